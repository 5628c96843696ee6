package dev.aha.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.engine.Float16;
import dev.aha.runtime.policy.gguf.GgmlType;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.llama.LlamaConfig;
import dev.aha.runtime.policy.lora.LoraApply;
import dev.aha.runtime.policy.lora.LoraInit;
import dev.aha.runtime.policy.lora.LoraSettings;
import dev.aha.runtime.policy.lora.LoraTargets;
import dev.aha.runtime.rollout.RolloutSettings.RolloutDtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aha bench rollout}: the rollout engine's generated and prefill tokens per second at several batch sizes, each
 * against its roofline measured in the same run, and against llama.cpp on the same weights where it is installed.
 *
 * <p>A point of S sequences: S prompts of P random tokens are admitted (each prefilled once), then the engine steps
 * until each sequence has drawn N tokens; greedy, and no end token can be drawn, so every sequence runs to N. The
 * roofline of a decode step is the slower of its bytes (the weights once, plus the KV cache the step reads) over the
 * measured read bandwidth and its FLOPs over the measured matmul peak in the point's dtype. Repeats alternate between
 * Aha and llama.cpp; medians are reported.
 *
 * <p>With {@code --lora R} the engine decodes under LoRA adapters of rank R on every linear layer, as a rollout of a
 * LoRA run does, applied each way {@code --lora-apply} names (and without adapters, "none", for comparison): one engine
 * each, held together and run in turn at every repeat. It reports the time one new version of adapters takes to
 * apply; llama.cpp is left out.
 */
@Command(name = "rollout", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The rollout engine: tokens/s vs roofline and llama.cpp.",
            "Prints a table on stderr and one JSON object on stdout."})
public final class RolloutBench implements Callable<Integer> {

    @Option(names = "--shape", defaultValue = "qwen2.5-0.5b", paramLabel = "NAME",
            description = "A known model shape with random weights (default: ${DEFAULT-VALUE}); an unknown name lists "
                    + "the known ones.")
    String shape;

    @Option(names = "--model", paramLabel = "DIR", description = "A Hugging Face model directory instead of --shape.")
    Path model;

    @Option(names = "--prompt-tokens", defaultValue = "32", description = "Prompt length P (default ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--new-tokens", defaultValue = "64", description = "Tokens N each sequence draws (default ${DEFAULT-VALUE}).")
    int newTokens;

    @Option(names = "--sequences", defaultValue = "1,8,64", split = ",", paramLabel = "S,...",
            description = "Batch sizes (default ${DEFAULT-VALUE}).")
    int[] sequences;

    @Option(names = "--dtypes", defaultValue = "bf16,f16,f32", split = ",", paramLabel = "T,...",
            description = "Aha's rollout dtypes, each against llama.cpp on a GGUF of the same type, bf16 against f16 "
                    + "(default ${DEFAULT-VALUE}).")
    String[] dtypes;

    @Option(names = "--threads", paramLabel = "N", description = "Threads of both sides (default: every core).")
    Integer threads;

    @Option(names = "--repeats", defaultValue = "3", description = "Repeats per point (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--llama-cpp", defaultValue = "auto", paramLabel = "auto|off",
            description = "auto: compare with llama.cpp where node-llama-cpp is installed (default); off: Aha only.")
    String llamaCpp;

    @Option(names = "--tokenizer", paramLabel = "DIR",
            description = "The vocabulary of the GGUF file llama.cpp loads (default: the model's own, else Qwen3's).")
    Path tokenizer;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the JSON here.")
    Path out;

    @Option(names = "--lora", defaultValue = "0", paramLabel = "R",
            description = "Decode under random LoRA adapters of rank R on every linear layer (default 0: none).")
    int loraRank;

    @Option(names = "--lora-apply", defaultValue = "none,merged,unmerged", split = ",", paramLabel = "HOW,...",
            description = "With --lora: how the adapters are applied, each measured (aha.lora.rollout-apply; none = "
                    + "no adapters; default ${DEFAULT-VALUE}).")
    String[] loraApply;

    @Override
    public Integer call() throws Exception {
        if (promptTokens < 1 || newTokens < 2 || repeats < 1 || sequences.length == 0
                || Arrays.stream(sequences).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("--prompt-tokens, --sequences and --repeats must be at least 1, "
                    + "--new-tokens at least 2");
        }
        if (!llamaCpp.equals("auto") && !llamaCpp.equals("off")) {
            throw new IllegalArgumentException("--llama-cpp must be auto or off, was '" + llamaCpp + "'");
        }
        if (loraRank < 0) {
            throw new IllegalArgumentException("--lora must be >= 0 (0: no adapters), was " + loraRank);
        }
        List<LoraApply> applies = new ArrayList<>();
        for (String a : loraRank > 0 ? loraApply : new String[] {"none"}) {
            if (!List.of("none", "merged", "unmerged").contains(a.trim())) {
                throw new IllegalArgumentException("--lora-apply takes none, merged or unmerged, was '" + a + "'");
            }
            applies.add(a.trim().equals("none") ? null : LoraApply.parse(a));
        }
        List<RolloutDtype> types = new ArrayList<>();
        for (String d : dtypes) {
            types.add(RolloutDtype.parse(d));
        }
        int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        int context = promptTokens + newTokens;
        HfModel factory = model != null ? HfModel.open(model, context)
                : RandomModel.shape(ModelShapes.named(shape).config(), context);
        LlamaConfig config = factory.config();
        ComputeThreads.prepare(threadCount);
        ObjectNode result = new ObjectMapper().createObjectNode();
        result.put("model", model != null ? model.toString() : shape);
        result.put("architecture", config.modelType());
        result.put("parameters", config.layout().totalElements());
        result.put("prompt_tokens", promptTokens);
        result.put("new_tokens", newTokens);
        result.put("threads", threadCount);
        result.put("sampling", "greedy; no end token, every sequence draws new_tokens");
        // the launcher's AUTO,STRICT makes MKL reproducible run to run and costs small-batch decoding speed
        result.put("mkl_cbwr", System.getenv().getOrDefault("MKL_CBWR", "unset"));
        RolloutPoints points = new RolloutPoints(factory, promptTokens, newTokens, threadCount, repeats);
        try (NDManager host = NDManager.newBaseManager()) {
            log("measuring read bandwidth and matmul peaks on " + threadCount + " thread(s)...");
            double bandwidth = Stats.median(MemoryBandwidth.readRates(host, 1L << 30, 5));
            result.put("read_bandwidth_bytes_per_second", bandwidth);
            ObjectNode peaks = result.putObject("matmul_peak_flops");
            Map<RolloutDtype, RolloutPoints.Peaks> peakOf = new EnumMap<>(RolloutDtype.class);
            for (RolloutDtype t : types) {
                double peak = Stats.median(MatmulPeak.rates(host, 1024, 5, t.dataType()));
                peaks.put(name(t), peak);
                RolloutPoints.Peaks p = RolloutPoints.Peaks.of(peak);
                if (t == RolloutDtype.F16) {
                    // 1024 rows take the widened path; the float16 kernel's own peak is what fewer rows run at
                    double narrow = Stats.median(MatmulPeak.narrowRates(host, 1024, 5, t.dataType()));
                    peaks.put(name(t) + "_below_" + Float16.WIDEN_FROM_ROWS + "_rows", narrow);
                    p = new RolloutPoints.Peaks(narrow, peak);
                }
                peakOf.put(t, p);
            }
            FlatWeights weights = model != null ? null : RandomModel.weights(config.layout(), new Random(7));
            ObjectNode llama = result.putObject("llama_cpp");
            Path vocabulary = tokenizer != null ? tokenizer
                    : model != null && Files.exists(model.resolve("tokenizer.json")) ? model : null;
            boolean noPeer = llamaCpp.equals("off") || loraRank > 0;
            LlamaCppPeer peer = noPeer ? null : LlamaCppPeer.open(factory, vocabulary, llama);
            if (noPeer) {
                llama.put("status", loraRank > 0 ? "off (--lora: Aha's adapters alone)" : "off (--llama-cpp off)");
            }
            try { // the GGUF files are temporary, a failed point included
                LoraSettings lora = loraRank > 0 ? new LoraSettings(loraRank, 2.0 * loraRank, 0,
                        List.of(LoraTargets.ALL_LINEAR), LoraInit.PEFT_DEFAULT, false) : LoraSettings.OFF;
                FlatWeights adapters = null;
                ObjectNode applyTimes = null;
                if (lora.enabled()) {
                    adapters = RandomModel.adapters(LoraTargets.resolve(lora, config.modelType(), config.layout()),
                            loraRank, new Random(8));
                    applyTimes = result.putObject("lora").put("rank", loraRank).put("targets", LoraTargets.ALL_LINEAR)
                            .put("adapter_bytes", adapters.size()).put("snapshot_bytes", config.layout().totalBytes())
                            .putObject("apply_seconds");
                }
                log("llama.cpp: " + llama.get("status").asText());
                ArrayNode table = result.putArray("points");
                for (RolloutDtype t : types) {
                    RolloutPoints.Peer side = peer == null ? null
                            : peer.forType(t == RolloutDtype.F32 ? GgmlType.F32 : GgmlType.F16, weights, threadCount,
                                    promptTokens, newTokens);
                    if (!lora.enabled()) {
                        for (RolloutPoints.Point p : points.measure(t.dataType(), weights, sequences, side)) {
                            ObjectNode row = table.addObject();
                            row.put("dtype", name(t));
                            p.write(row, config, t.dataType(), bandwidth, peakOf.get(t));
                        }
                        continue;
                    }
                    List<RolloutPoints.Lora> variants = new ArrayList<>();
                    for (LoraApply apply : applies) {
                        variants.add(apply == null ? null : new RolloutPoints.Lora(lora, apply, adapters));
                    }
                    List<RolloutPoints.Measured> measured =
                            points.sideBySide(t.dataType(), weights, sequences, variants);
                    for (int v = 0; v < variants.size(); v++) {
                        String how = variants.get(v) == null ? "none" : name(variants.get(v).apply());
                        for (RolloutPoints.Point p : measured.get(v).points()) {
                            ObjectNode row = table.addObject();
                            row.put("dtype", name(t));
                            row.put("lora_apply", how);
                            p.write(row, config, t.dataType(), bandwidth, peakOf.get(t));
                        }
                        if (variants.get(v) != null) {
                            ObjectNode a = applyTimes.putObject(name(t) + "_" + how);
                            a.put("median", Stats.median(measured.get(v).applySeconds()));
                            a.put("runs", Arrays.toString(measured.get(v).applySeconds()));
                        }
                    }
                }
            } finally {
                if (peer != null) {
                    peer.close();
                }
            }
        }
        result.set("blas", BlasSection.json());
        printTable(result);
        String json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result);
        if (out != null) {
            Files.writeString(out, json + "\n");
        }
        System.out.println(json);
        return 0;
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static void printTable(ObjectNode result) {
        log(String.format("%-14s %5s %12s %10s %6s %12s %14s %8s", "dtype", "seqs", "gen tok/s", "roofline", "frac",
                "prefill/s", "llama.cpp gen", "ratio"));
        for (var p : result.get("points")) {
            var l = p.get("llama_cpp");
            String dtype = p.get("dtype").asText() + (p.has("lora_apply") ? " " + p.get("lora_apply").asText() : "");
            log(String.format(Locale.ROOT, "%-14s %5d %12.1f %10.1f %5.0f%% %12.1f %14s %8s", dtype,
                    p.get("sequences").asInt(), p.get("generated_tokens_per_second").asDouble(),
                    p.get("roofline_generated_tokens_per_second").asDouble(),
                    100 * p.get("fraction_of_roofline").asDouble(), p.get("prefill_tokens_per_second").asDouble(),
                    l == null ? "-" : String.format(Locale.ROOT, "%.1f", l.get("generated_tokens_per_second").asDouble()),
                    l == null ? "-" : String.format(Locale.ROOT, "%.2fx",
                            p.get("aha_over_llama_cpp_generated").asDouble())));
        }
        log("llama.cpp: " + result.get("llama_cpp").get("status").asText());
        if (result.has("lora")) {
            log("LoRA: " + result.get("lora"));
        }
    }

    private static void log(String line) {
        System.err.println("[rollout] " + line);
    }
}
