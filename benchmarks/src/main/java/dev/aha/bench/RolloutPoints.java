package dev.aha.bench;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.aha.runtime.engine.Float16;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.bench.llamacpp.LlamaCppBench;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.backend.TorchRolloutEngine;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.llama.LlamaConfig;
import dev.aha.runtime.policy.lora.LoraApply;
import dev.aha.runtime.policy.lora.LoraSettings;
import dev.aha.runtime.sampling.SamplingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Aha's side of {@code aha bench rollout}: one engine per dtype, timed at each batch size. */
final class RolloutPoints {

    /** What runs beside Aha at each repeat of a point (llama.cpp), alternating with it; null when nothing does. */
    interface Peer {
        LlamaCppBench run(int sequences);
    }

    /**
     * One batch size's medians. Generated tokens are those the N - 1 decode forwards produce (the first comes from
     * the prefill's logits), as llama.cpp's driver counts them.
     */
    /**
     * The matmul peak a product of so many rows runs at in one dtype: float16 has two, its own kernel's below
     * {@link Float16#WIDEN_FROM_ROWS} rows and float32's from there on (the weight widened, see {@link Float16}).
     */
    record Peaks(double narrow, double widened) {

        static Peaks of(double peak) {
            return new Peaks(peak, peak);
        }

        double atRows(int rows) {
            return rows >= Float16.WIDEN_FROM_ROWS ? widened : narrow;
        }
    }

    record Point(int sequences, int promptTokens, int newTokens, double prefillSeconds, double decodeSeconds,
            double[] decodeRuns, List<LlamaCppBench> peer) {

        double generatedPerSecond() {
            return (double) sequences * (newTokens - 1) / decodeSeconds;
        }

        double prefillPerSecond() {
            return (double) sequences * promptTokens / prefillSeconds;
        }

        /**
         * The point's figures and its roofline: a decode step reads the weights once and each sequence's cached keys
         * and values (on average P + N/2 positions), and does the model's FLOPs for S new positions.
         */
        void write(ObjectNode row, LlamaConfig config, DataType type, double bandwidth, Peaks peaks) {
            double peak = peaks.atRows(sequences);
            row.put("sequences", sequences);
            row.put("generated_tokens_per_second", generatedPerSecond());
            row.put("prefill_tokens_per_second", prefillPerSecond());
            row.put("decode_seconds_runs", java.util.Arrays.toString(decodeRuns));
            Roofline r = Roofline.decodeStep(config, type, sequences, promptTokens + newTokens / 2.0, bandwidth, peak);
            row.put("roofline_generated_tokens_per_second", sequences / r.seconds());
            row.put("roofline_bound", r.bound());
            row.put("decode_step_bytes", r.bytes());
            row.put("decode_step_flops", r.flops());
            row.put("fraction_of_roofline", generatedPerSecond() / (sequences / r.seconds()));
            row.put("matmul_peak_flops", peak);
            double prefillPeak = peaks.atRows(promptTokens);
            double prefillRoof = promptTokens
                    / (ModelFlops.of(config).forward(1, promptTokens, promptTokens, 1) / prefillPeak);
            row.put("roofline_prefill_tokens_per_second", prefillRoof);
            row.put("prefill_fraction_of_roofline", prefillPerSecond() / prefillRoof);
            if (!peer.isEmpty()) {
                double generated = Stats.median(peer.stream().mapToDouble(LlamaCppBench::generatedTokensPerSecond)
                        .toArray());
                double prefill = Stats.median(peer.stream().mapToDouble(LlamaCppBench::prefillTokensPerSecond)
                        .toArray());
                ObjectNode l = row.putObject("llama_cpp");
                l.put("generated_tokens_per_second", generated);
                l.put("prefill_tokens_per_second", prefill);
                l.put("generated_runs", java.util.Arrays.toString(peer.stream()
                        .mapToDouble(LlamaCppBench::generatedTokensPerSecond).toArray()));
                l.put("cpu_backend", peer.get(0).cpuBackend());
                l.put("fraction_of_roofline", generated / (sequences / r.seconds()));
                row.put("aha_over_llama_cpp_generated", generatedPerSecond() / generated);
                row.put("aha_over_llama_cpp_prefill", prefillPerSecond() / prefill);
            }
        }
    }

    /**
     * Adapters on the engine: a base and then {@code adapters} (rank and targets as {@code settings} say), applied as
     * {@code apply} says.
     */
    record Lora(LoraSettings settings, LoraApply apply, FlatWeights adapters) {}

    /** The points, and under LoRA the seconds each application of a new version of adapters took (else empty). */
    record Measured(List<Point> points, double[] applySeconds) {}

    /** A SHA-256 for the random base: the bench applies adapters to the base it loaded, whatever it is called. */
    private static final String BASE_SHA = "0".repeat(64);

    private final HfModel factory;
    private final int promptTokens;
    private final int newTokens;
    private final int threads;
    private final int repeats;

    RolloutPoints(HfModel factory, int promptTokens, int newTokens, int threads, int repeats) {
        this.factory = factory;
        this.promptTokens = promptTokens;
        this.newTokens = newTokens;
        this.threads = threads;
        this.repeats = repeats;
    }

    /**
     * @param weights the random model's image, or null to read the model directory's files
     */
    List<Point> measure(DataType type, FlatWeights weights, int[] sizes, Peer peer) {
        int slots = java.util.Arrays.stream(sizes).max().orElseThrow();
        int vocab = factory.vocabSize();
        try (TorchRolloutEngine engine = engine(type, slots, weights, null)) {
            Random rng = new Random(11);
            once(engine, Math.min(2, slots), rng, vocab); // first-touch allocation and libtorch's warm-up
            List<Point> points = new ArrayList<>();
            for (int s : sizes) {
                double[] prefill = new double[repeats];
                double[] decode = new double[repeats];
                List<LlamaCppBench> peers = new ArrayList<>();
                for (int r = 0; r < repeats; r++) {
                    if (peer != null && r % 2 == 1) { // alternate which side goes first
                        peers.add(peer.run(s));
                    }
                    double[] t = once(engine, s, rng, vocab);
                    prefill[r] = t[0];
                    decode[r] = t[1];
                    if (peer != null && r % 2 == 0) {
                        peers.add(peer.run(s));
                    }
                }
                points.add(point(type, null, s, prefill, decode, peers));
            }
            return points;
        }
    }

    /**
     * Under LoRA: one engine per variant (null: no adapters), all held at once and run in turn at every repeat, the
     * first one rotating, so that the load of a shared machine falls on every variant alike; then the time each
     * takes to apply a new version of its adapters, {@code repeats} times after one warm-up, in turn the same way.
     */
    List<Measured> sideBySide(DataType type, FlatWeights weights, int[] sizes, List<Lora> variants) {
        int slots = java.util.Arrays.stream(sizes).max().orElseThrow();
        int vocab = factory.vocabSize();
        int n = variants.size();
        List<TorchRolloutEngine> engines = new ArrayList<>();
        try {
            for (Lora lora : variants) {
                engines.add(engine(type, slots, weights, lora));
            }
            Random rng = new Random(11);
            engines.forEach(e -> once(e, Math.min(2, slots), rng, vocab));
            List<List<Point>> points = new ArrayList<>();
            variants.forEach(v -> points.add(new ArrayList<>()));
            for (int s : sizes) {
                double[][] prefill = new double[n][repeats];
                double[][] decode = new double[n][repeats];
                for (int r = 0; r < repeats; r++) {
                    for (int k = 0; k < n; k++) {
                        int v = (k + r) % n;
                        double[] t = once(engines.get(v), s, rng, vocab);
                        prefill[v][r] = t[0];
                        decode[v][r] = t[1];
                    }
                }
                for (int v = 0; v < n; v++) {
                    points.get(v).add(point(type, variants.get(v), s, prefill[v], decode[v], List.of()));
                }
            }
            double[][] apply = new double[n][repeats];
            for (int r = -1; r < repeats; r++) {
                for (int k = 0; k < n; k++) {
                    int v = (k + Math.max(r, 0)) % n;
                    if (variants.get(v) != null) {
                        long a = System.nanoTime();
                        engines.get(v).loadAdapters(variants.get(v).adapters(), r + 2);
                        if (r >= 0) {
                            apply[v][r] = (System.nanoTime() - a) / 1e9;
                        }
                    }
                }
            }
            List<Measured> measured = new ArrayList<>();
            for (int v = 0; v < n; v++) {
                measured.add(new Measured(points.get(v), variants.get(v) == null ? new double[0] : apply[v]));
            }
            return measured;
        } finally {
            engines.forEach(TorchRolloutEngine::close);
        }
    }

    /** An engine with the weights loaded: the whole model, or under {@code lora} the base and its adapters. */
    private TorchRolloutEngine engine(DataType type, int slots, FlatWeights weights, Lora lora) {
        int vocab = factory.vocabSize();
        // greedy over all ids but the last, which is the end token: no sequence ends before it has drawn N
        SamplingSettings greedy = new SamplingSettings(0f, 1f, newTokens);
        TorchRolloutEngine engine = new TorchRolloutEngine(factory, Device.cpu(), type, slots, threads, greedy,
                vocab - 1, new int[] {vocab - 1}, lora != null ? lora.settings() : LoraSettings.OFF,
                lora != null ? lora.apply() : LoraApply.MERGED);
        if (lora == null) {
            engine.loadWeights(weights != null ? weights : filesWeights(), 0);
        } else {
            engine.loadBase(weights != null ? weights : filesWeights(), BASE_SHA);
            engine.loadAdapters(lora.adapters(), 0);
        }
        return engine;
    }

    private Point point(DataType type, Lora lora, int s, double[] prefill, double[] decode, List<LlamaCppBench> peers) {
        Point p = new Point(s, promptTokens, newTokens, Stats.median(prefill), Stats.median(decode), decode, peers);
        System.err.printf(java.util.Locale.ROOT, "[rollout] %s%s x%d: %.1f generated tokens/s, prefill %.1f/s%n",
                type, lora == null ? "" : " LoRA " + lora.apply(), s, p.generatedPerSecond(), p.prefillPerSecond());
        return p;
    }

    /** Admits {@code s} prompts, then steps until every sequence has drawn N tokens: {prefill s, decode s}. */
    private double[] once(TorchRolloutEngine engine, int s, Random rng, int vocab) {
        long a = System.nanoTime();
        for (int i = 0; i < s; i++) {
            engine.admit(i, rng.ints(promptTokens, 0, vocab - 1).toArray(), 1, i);
        }
        long b = System.nanoTime();
        int steps = 0;
        while (!engine.idle()) {
            engine.step();
            steps++;
        }
        long c = System.nanoTime();
        if (steps != newTokens) {
            throw new IllegalStateException("a point took " + steps + " steps for " + newTokens + " tokens");
        }
        return new double[] {(b - a) / 1e9, (c - b) / 1e9};
    }

    private FlatWeights filesWeights() {
        try (var scope = ai.djl.ndarray.NDManager.newBaseManager(); var policy = factory.create(scope)) {
            return policy.exportWeights();
        }
    }
}
