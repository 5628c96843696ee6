package dev.aha.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.WeightPlaneSettings;
import dev.aha.runtime.engine.Autocast;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.engine.TrainPrecision;
import dev.aha.runtime.grpo.PolicyLoss;
import dev.aha.runtime.grpo.GrpoSample;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.grpo.GrpoUpdateResult;
import dev.aha.runtime.grpo.GrpoUpdater;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.SlotCache;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.hf.HfModelInit;
import dev.aha.runtime.policy.llama.LlamaConfig;
import dev.aha.runtime.policy.lora.LoraBase;
import dev.aha.runtime.policy.lora.LoraInit;
import dev.aha.runtime.policy.lora.LoraMerge;
import dev.aha.runtime.policy.lora.LoraPolicy;
import dev.aha.runtime.policy.lora.LoraSettings;
import dev.aha.runtime.policy.lora.LoraTargets;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.rollout.ContinuousBatcher;
import dev.aha.runtime.sampling.SamplingSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha bench model}: does a real model size fit, and what does it cost? A randomly initialised Llama-family
 * model (Qwen2.5-0.5B's shape by default) samples G completions of each of {@code --groups} random prompts in one
 * batch (the rollout engine, each prompt prefilled once) and takes a GRPO step over them with the KL reference,
 * {@code --steps} times, on one device; then its snapshot crosses the weight plane over IPC against
 * one memcpy of the same bytes. Every figure is measured in this run.
 *
 * <p>With {@code --lora R} the policy trains adapters of rank R on every linear layer over its frozen base (bf16 under
 * {@code --precision bf16-mixed}), also the KL reference, as a LoRA run's learner does; the weight plane section adds
 * one version of the adapters alone. Sampling shares the learner's policy (in a run the rollout holds its own
 * replica). Random weights never emit an end token, so every completion runs to --max-new-tokens: the worst case.
 */
@Command(name = "model", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sample and GRPO-step a random model of a real size.",
            "Also moves its snapshot over the weight plane. Prints one JSON object.",
            "Defaults: Qwen2.5-0.5B's shape (hidden 896, 24 layers, 14 heads, 2 KV heads, intermediate 4864, "
                + "vocabulary 151936, tied). Needs ~16 GB of memory."})
public final class ModelBench implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR", description = "Bench this Hugging Face model instead of a random shape.")
    Path model;
    @Option(names = "--architecture", defaultValue = "qwen2") String architecture;
    @Option(names = "--hidden", defaultValue = "896") int hidden;
    @Option(names = "--layers", defaultValue = "24") int layers;
    @Option(names = "--heads", defaultValue = "14") int heads;
    @Option(names = "--kv-heads", defaultValue = "2") int kvHeads;
    @Option(names = "--intermediate", defaultValue = "4864") int intermediate;
    @Option(names = "--vocab", defaultValue = "151936") int vocab;
    @Option(names = "--untied", description = "A separate lm_head (default: tied, as Qwen2.5-0.5B).") boolean untied;

    @Option(names = "--shape", paramLabel = "NAME",
            description = "A published model's shape (qwen2.5-0.5b, qwen2.5-1.5b, qwen2.5-3b, ...) instead of the size "
                    + "options.")
    String shapeName;

    @Option(names = "--group-size", defaultValue = "4", description = "G (default ${DEFAULT-VALUE}).")
    int groupSize;

    @Option(names = "--groups", defaultValue = "1",
            description = "Groups sampled together in one batch and trained in one step (default ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--prompt-tokens", defaultValue = "32", description = "Random prompt length (default ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--max-new-tokens", defaultValue = "64", description = "Completion length (default ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--steps", defaultValue = "20", description = "Sample + GRPO steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--threads", defaultValue = "2", description = "libtorch intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--precision", defaultValue = "f32",
            description = "The learner's precision: f32 or bf16-mixed (aha.train.precision; default ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--plane-repeat", defaultValue = "3", description = "Timed snapshot transfers (default ${DEFAULT-VALUE}).")
    int planeRepeat;

    @Option(names = "--lora", defaultValue = "0", paramLabel = "R",
            description = "Train LoRA adapters of rank R on every linear layer instead of every weight (default 0).")
    int loraRank;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Override
    public Integer call() throws Exception {
        if (steps < 2 || groupSize < 2 || groups < 1 || promptTokens < 1 || maxNewTokens < 1 || planeRepeat < 1
                || loraRank < 0) {
            throw new IllegalArgumentException("--steps and --group-size must be at least 2, --lora at least 0, the "
                    + "rest at least 1");
        }
        var conf = config.load();
        TrainPrecision learnerPrecision = TrainPrecision.parse(precision);
        ComputeThreads.prepare(threads);
        HfModel factory = model != null ? HfModel.open(model, promptTokens + maxNewTokens) : shape();
        LlamaConfig shape = factory.config();
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("architecture", shape.modelType());
        out.put("parameters", shape.layout().totalElements());
        out.put("snapshot_bytes", shape.layout().totalBytes());
        out.put("group_size", groupSize);
        out.put("groups_per_step", groups);
        out.put("prompt_tokens", promptTokens);
        out.put("max_new_tokens", maxNewTokens);
        out.put("threads", threads);
        out.put("precision", learnerPrecision.toString());
        out.put("cores", Runtime.getRuntime().availableProcessors());
        LoraSettings lora = loraRank == 0 ? LoraSettings.OFF : new LoraSettings(loraRank, 2.0 * loraRank, 0,
                List.of(LoraTargets.ALL_LINEAR), LoraInit.PEFT_DEFAULT, false);

        GrpoSettings grpo = GrpoSettings.fromConfig(conf.getConfig("aha.grpo"), maxNewTokens);
        Random rng = new Random(7);
        FlatWeights snapshot;
        FlatWeights adapters = null;
        try (NDManager device = NDManager.newBaseManager()) {
            long t0 = System.nanoTime();
            // Under LoRA the frozen base is stored as TorchTrainer stores it: bf16 under bf16-mixed.
            Policy policy = lora.enabled() ? factory.blank(device, learnerPrecision.referenceType())
                    : model != null ? factory.create(device) : factory.blank(device);
            String imageSha256 = model == null ? RandomModel.fill(policy, rng) : null;
            if (model != null && lora.enabled()) {
                try (Policy read = factory.create(device)) {
                    FlatWeights image = read.exportWeights();
                    policy.importWeights(image);
                    imageSha256 = LoraBase.sha256(image);
                }
            }
            Policy reference;
            if (lora.enabled()) { // the frozen base is the reference, as TorchTrainer has it
                LoraPolicy adapted = LoraPolicy.over(policy, lora, new LoraBase("bench", imageSha256), 7);
                policy = adapted;
                reference = adapted.base();
                out.putObject("lora").put("rank", loraRank).put("targets", LoraTargets.ALL_LINEAR)
                        .put("base_dtype", learnerPrecision == TrainPrecision.BF16_MIXED ? "bf16" : "f32")
                        .put("trainable_parameters", adapted.layout().totalElements())
                        .put("adapter_bytes", adapted.layout().totalBytes());
            } else {
                reference = factory.blank(device, learnerPrecision.referenceType());
                reference.copyWeightsFrom(policy);
            }
            System.gc(); // the copy's snapshot is garbage: direct memory goes back only when the collector runs
            out.put("build_seconds", (System.nanoTime() - t0) / 1e9);
            log(String.format("%s, %,d parameters, built in %.1f s; %d steps of G = %d x %d new tokens",
                    shape.modelType(), shape.layout().totalElements(), (System.nanoTime() - t0) / 1e9, steps,
                    groupSize, maxNewTokens));
            ArrayNode perStep = out.putArray("steps");
            try (AdamW adam = new AdamW(policy.parameters(), AdamWSettings.fromConfig(conf.getConfig("aha.optimizer")),
                    device)) {
                GrpoUpdater updater = new GrpoUpdater(policy, reference, adam, PolicyLoss.of(grpo), 1f, 0);
                for (int s = 0; s < steps; s++) {
                    long a = System.nanoTime();
                    ComputeThreads.stopRecording();
                    List<GrpoSample> batch = new ArrayList<>();
                    List<Completion> group = sample(policy, device, shape.vocabSize(), rng, batch);
                    long b = System.nanoTime();
                    GrpoUpdateResult r;
                    try (Autocast ignored = learnerPrecision.scope()) {
                        r = updater.update(batch);
                    }
                    long c = System.nanoTime();
                    int arrays = device.getManagedArrays().size();
                    long tokens = group.stream().mapToLong(Completion::length).sum();
                    ObjectNode row = perStep.addObject().put("step", s + 1).put("sample_seconds", (b - a) / 1e9)
                            .put("grpo_seconds", (c - b) / 1e9).put("sampled_tokens", tokens)
                            .put("loss", r.loss()).put("ndarrays", arrays).put("rss_bytes", ProcessMemory.rss());
                    LearnerRoofline.record(row, updater.lastPhases());
                    log(String.format("step %d/%d: sample %.1f s (%d tokens), GRPO step %.1f s, %d NDArrays, RSS %.1f GB",
                            s + 1, steps, (b - a) / 1e9, tokens, (c - b) / 1e9, arrays, ProcessMemory.rss() / 1e9));
                }
            }
            summarise(perStep, out);
            int length = promptTokens + maxNewTokens;
            double forward = ModelFlops.of(shape).forward((long) groupSize * groups, length, length, maxNewTokens);
            log(LearnerRoofline.measure(perStep, forward, grpo.usesReference(), policy instanceof LoraPolicy,
                    learnerPrecision, device, out));
            ForwardBreakdown.measure(policy, groupSize, promptTokens + maxNewTokens, rng, out);
            boolean fits = PlaneSection.fits(shape.layout().totalBytes()); // else not even the image is made
            if (policy instanceof LoraPolicy adapted) {
                // what the plane would carry each version without adapters
                snapshot = fits ? LoraMerge.merged(adapted) : null;
                adapters = adapted.exportWeights();
            } else {
                snapshot = fits ? policy.exportWeights() : null;
                reference.close();
            }
            policy.close();
        }
        out.put("peak_rss_after_steps_bytes", ProcessMemory.peakRss()); // before the plane's buffers

        log("weight plane: the " + shape.layout().totalBytes() / (1 << 20) + " MiB snapshot over IPC, and memcpy"
                + (adapters == null ? "" : "; then the " + adapters.size() / (1 << 10) + " KiB of adapters") + "...");
        WeightPlaneSettings plane = WeightPlaneSettings.fromConfig(conf.getConfig("aha.weights"))
                .withTransport(WeightPlaneSettings.Transport.IPC, 0, 0);
        boolean clean = PlaneSection.write(out, plane, shape.layout().totalBytes(), snapshot, adapters, planeRepeat);
        out.put("peak_rss_bytes", ProcessMemory.peakRss());
        out.set("blas", BlasSection.json());
        System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
        return clean ? 0 : 1;
    }

    /** The model the size options describe, known from its config alone (no files). */
    private HfModel shape() {
        if (shapeName != null) {
            return RandomModel.shape(ModelShapes.named(shapeName).config(), promptTokens + maxNewTokens);
        }
        return RandomModel.shape(HfModelInit.Spec.of(architecture, hidden, layers, heads, kvHeads, intermediate, vocab,
                !untied, 1).config(), promptTokens + maxNewTokens);
    }

    /** Medians over the steps after the first (which pays for first-touch allocation), and the NDArray trend. */
    private static void summarise(ArrayNode perStep, ObjectNode out) {
        int n = perStep.size();
        double[] step = new double[n - 1];
        double[] sample = new double[n - 1];
        double[] grpo = new double[n - 1];
        double[] tokensPerSecond = new double[n - 1];
        for (int i = 1; i < n; i++) {
            var s = perStep.get(i);
            sample[i - 1] = s.get("sample_seconds").asDouble();
            grpo[i - 1] = s.get("grpo_seconds").asDouble();
            step[i - 1] = sample[i - 1] + grpo[i - 1];
            tokensPerSecond[i - 1] = s.get("sampled_tokens").asDouble() / sample[i - 1];
        }
        out.put("seconds_per_step_p50", Stats.median(step));
        out.put("sample_seconds_p50", Stats.median(sample));
        out.put("grpo_seconds_p50", Stats.median(grpo));
        out.put("sampled_tokens_per_second_p50", Stats.median(tokensPerSecond));
        out.put("ndarrays_after_step_2", perStep.get(1).get("ndarrays").asInt());
        out.put("ndarrays_after_last_step", perStep.get(n - 1).get("ndarrays").asInt());
        out.put("ndarrays_flat", perStep.get(1).get("ndarrays").asInt() == perStep.get(n - 1).get("ndarrays").asInt());
    }

    /**
     * {@code groups} groups of G sampled together by the rollout engine (each prompt prefilled once), with one slot per
     * sequence; random weights draw no end token (-1), so each runs to --max-new-tokens. Adds the step's samples to
     * {@code batch} and returns every completion.
     */
    private List<Completion> sample(Policy policy, NDManager device, int vocab, Random rng, List<GrpoSample> batch) {
        NDManager engine = device.newSubManager();
        SlotCache slots = SlotCache.allocate(engine, policy.kvShape(), groups * groupSize, promptTokens + maxNewTokens,
                DataType.FLOAT32);
        List<Completion> all = new ArrayList<>();
        try (ContinuousBatcher<int[]> batcher = new ContinuousBatcher<>(policy, slots, engine,
                new SamplingSettings(1f, 1f, maxNewTokens), vocab, new int[] {-1})) {
            for (int g = 0; g < groups; g++) {
                batcher.admit(rng.ints(promptTokens, 0, vocab).toArray(), rng.ints(promptTokens, 0, vocab).toArray(),
                        groupSize, rng.nextLong());
            }
            while (!batcher.idle()) {
                for (var done : batcher.step()) {
                    batch.addAll(samples(done.key(), done.completions()));
                    all.addAll(done.completions());
                }
            }
        }
        return all;
    }

    /** Random advantages of both signs, so the step moves the policy and the KL term is live. */
    private static List<GrpoSample> samples(int[] prompt, List<Completion> group) {
        List<GrpoSample> samples = new ArrayList<>(group.size());
        for (int g = 0; g < group.size(); g++) {
            Completion c = group.get(g);
            samples.add(new GrpoSample(prompt, c.tokens(), c.logProbs(), g % 2 == 0 ? 1f : -1f));
        }
        return samples;
    }

    private static void log(String what) {
        System.err.println("aha bench model: " + what);
    }
}
