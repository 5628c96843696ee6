package dev.aha.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.grpo.GrpoBatch;
import dev.aha.runtime.grpo.GrpoLoss;
import dev.aha.runtime.grpo.GrpoSample;
import dev.aha.runtime.grpo.GrpoUpdater;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.SlotCache;
import dev.aha.runtime.rollout.ContinuousBatcher;
import dev.aha.runtime.sampling.Sampler;
import dev.aha.runtime.sampling.SamplingSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;

/**
 * Aha's side of {@code aha bench vs-pytorch} for one model: the batch both sides train on, what Aha computes on it
 * (the numbers the PyTorch side must reproduce), and single timed runs of sampling and of GRPO steps, which
 * {@link Interleaving} alternates with the PyTorch side's.
 *
 * <ol>
 *   <li>The policy (version 0) samples G completions of a random prompt: the batch, with its behaviour log-probs and
 *       advantages of random 0/1 rewards. The frozen reference is a copy of version 0, as in GRPO.
 *   <li>One GRPO step with a large learning rate ({@value #MOVE_LEARNING_RATE}) moves the policy: ratios leave 1,
 *       some clip, and the KL term is far from zero, so the loss check exercises every term of the loss.
 *   <li>That policy and the reference are written as flat float32 images for the PyTorch side, with Aha's log-probs
 *       of the first sampled position, its greedy tokens, its GRPO loss on the batch, and its loss after one step of a
 *       fresh AdamW with the configured settings (the PyTorch side takes the same step with torch.optim.AdamW).
 *   <li>Timed, one run at a time: sampling G x N tokens, and GRPO steps on the batch with that AdamW.
 * </ol>
 */
final class AhaSide {

    static final float MOVE_LEARNING_RATE = 1e-2f;
    static final String SAMPLE = "sample";
    static final String GRPO_STEP = "grpo_step";
    /** Completions never end in this benchmark (no end token), so the batch has no padding to choose. */
    private static final int PAD = 0;

    /** How much work: the same for both sides. */
    record Workload(int promptTokens, int groupSize, int newTokens, int warmups, int repeats, long seed) {}

    /**
     * What PyTorch needs for this model (weights are in files it names) and Aha's own figures: the fastest of the
     * repeats (on a machine shared with other work, the run least disturbed by it; both sides are taken alike), the
     * median, and the process CPU of the fastest.
     */
    record Result(ObjectNode request, Timing sample, Timing grpoStep, int scoredColumns, int length) {}

    /** Seconds of the fastest, the median and the slowest repeat, and process CPU seconds of the fastest. */
    record Timing(double best, double median, double worst, double bestCpu) {
        static Timing of(double[] seconds, double[] cpu) {
            int fastest = 0;
            for (int i = 1; i < seconds.length; i++) {
                fastest = seconds[i] < seconds[fastest] ? i : fastest;
            }
            return new Timing(seconds[fastest], Stats.median(seconds), Stats.max(seconds), cpu[fastest]);
        }

        /** (slowest - fastest) / median: how much the repeats disagree. */
        double spread() {
            return (worst - best) / median;
        }
    }

    private final GrpoLoss loss;
    private final AdamWSettings optimizer;
    private final Workload work;

    AhaSide(GrpoLoss loss, AdamWSettings optimizer, Workload work) {
        this.loss = loss;
        this.optimizer = optimizer;
        this.work = work;
    }

    /** One model, checked values computed and weights written, ready to time; closing it closes its optimiser. */
    final class Prepared implements AutoCloseable {
        final ObjectNode request;
        final int scoredColumns;
        final int length;
        /** What a rollout samples with: the engine, G slots, one prefill shared by the group. */
        private final ContinuousBatcher<Integer> engine;
        private final int[] prompt;
        private final Random rng;
        private final List<GrpoSample> batch;
        private final AdamW adam;
        private final GrpoUpdater updater;

        private Prepared(ObjectNode request, int[] shape, ContinuousBatcher<Integer> engine, int[] prompt, Random rng,
                List<GrpoSample> batch, AdamW adam, GrpoUpdater updater) {
            this.request = request;
            this.length = shape[0];
            this.scoredColumns = shape[1];
            this.engine = engine;
            this.prompt = prompt;
            this.rng = rng;
            this.batch = batch;
            this.adam = adam;
            this.updater = updater;
        }

        /** {wall seconds, process CPU seconds} of one run of {@value #SAMPLE} or {@value #GRPO_STEP}. */
        double[] time(String part) {
            long c0 = ProcessCpu.nanos();
            long t0 = System.nanoTime();
            switch (part) {
                case SAMPLE -> {
                    ComputeThreads.stopRecording();
                    engine.admit(0, prompt, work.groupSize(), rng.nextLong());
                    while (!engine.idle()) {
                        engine.step();
                    }
                }
                case GRPO_STEP -> updater.update(batch);
                default -> throw new IllegalArgumentException("no part " + part);
            }
            return new double[] {(System.nanoTime() - t0) / 1e9, (ProcessCpu.nanos() - c0) / 1e9};
        }

        @Override
        public void close() {
            engine.close();
            adam.close();
        }
    }

    /**
     * @param policy freshly initialised; trained here, then timed through the result
     * @param reference same architecture, any weights: it becomes a copy of the policy's version 0
     * @param folder where the weight images go
     */
    Prepared prepare(String name, Policy policy, Policy reference, ObjectNode config, Path folder) {
        ComputeThreads.stopRecording();
        reference.copyWeightsFrom(policy);
        Random rng = new Random(work.seed());
        int[] prompt = rng.ints(work.promptTokens(), 0, policy.vocabSize()).toArray();
        Sampler sampler = new Sampler(policy, new SamplingSettings(1f, 1f, work.newTokens()), -1);
        List<GrpoSample> batch = SyntheticGroup.samples(prompt, sampler.sampleGroup(prompt, work.groupSize(), rng),
                loss.settings(), rng);
        try (AdamW mover = new AdamW(policy.parameters(), new AdamWSettings(MOVE_LEARNING_RATE, optimizer.beta1(),
                optimizer.beta2(), optimizer.eps(), optimizer.weightDecay(), optimizer.maxGradNorm()), policy.manager())) {
            new GrpoUpdater(policy, reference, mover, loss, 1f, PAD).update(batch);
        }

        ObjectNode request = new ObjectMapper().createObjectNode();
        request.put("name", name);
        request.put("architecture", policy.architecture());
        request.set("config", config);
        ArrayNode layout = request.putArray("layout");
        for (int i = 0; i < policy.layout().size(); i++) {
            ArrayNode shape = layout.addObject().put("name", policy.layout().names().get(i)).putArray("shape");
            for (long d : policy.layout().shapes().get(i).getShape()) {
                shape.add(d);
            }
        }
        request.put("policy_weights", write(policy.exportWeights(), folder.resolve(name + "-policy.f32")).toString());
        request.put("reference_weights",
                write(reference.exportWeights(), folder.resolve(name + "-reference.f32")).toString());
        ints(request.putArray("prompt"), prompt);
        int[] shape = packed(request.putObject("batch"), policy.manager(), batch);

        ObjectNode aha = request.putObject("aha");
        floats(aha.putArray("first_log_probs"), firstLogProbs(policy, prompt));
        ComputeThreads.stopRecording();
        ints(aha.putArray("greedy_tokens"), new Sampler(policy, new SamplingSettings(0f, 1f, work.newTokens()), -1)
                .sampleGroup(prompt, 1, rng).get(0).tokens());
        AdamW adam = new AdamW(policy.parameters(), optimizer, policy.manager());
        try {
            GrpoUpdater updater = new GrpoUpdater(policy, reference, adam, loss, 1f, PAD);
            aha.put("loss", updater.update(batch).loss());
            aha.put("loss_after_one_step", loss(policy, reference, batch));
            NDManager slots = policy.manager().newSubManager();
            ContinuousBatcher<Integer> engine = new ContinuousBatcher<>(policy,
                    SlotCache.allocate(slots, policy.kvShape(), work.groupSize(),
                            work.promptTokens() + work.newTokens(), DataType.FLOAT32),
                    slots, sampler.settings(), policy.vocabSize(), new int[] {-1});
            return new Prepared(request, shape, engine, prompt, rng, batch, adam, updater);
        } catch (RuntimeException e) {
            adam.close();
            throw e;
        }
    }

    /** The batch as the learner packs it, into {@code json}; returns {length, scored columns}. */
    private static int[] packed(ObjectNode json, NDManager manager, List<GrpoSample> samples) {
        try (NDManager scope = manager.newSubManager()) {
            GrpoBatch b = GrpoBatch.pack(scope, samples, PAD);
            int rows = b.size();
            int length = Math.toIntExact(b.tokens().getShape().get(1));
            int columns = Math.toIntExact(b.mask().getShape().get(1));
            rows(json.putArray("tokens"), b.tokens().toIntArray(), rows, length);
            rows(json.putArray("mask"), b.mask().toFloatArray(), rows, columns);
            rows(json.putArray("behaviour_log_probs"), b.behaviourLogProbs().toFloatArray(), rows, columns);
            floats(json.putArray("advantages"), b.advantages().toFloatArray());
            json.put("first_column", b.firstColumn());
            json.put("temperature", 1.0);
            return new int[] {length, columns};
        }
    }

    /** The GRPO loss on the batch without gradients. */
    private float loss(Policy policy, Policy reference, List<GrpoSample> samples) {
        ComputeThreads.stopRecording();
        try (NDManager scope = policy.manager().newSubManager()) {
            GrpoBatch b = GrpoBatch.pack(scope, samples, PAD);
            NDArray ref = loss.settings().usesReference()
                    ? reference.tokenLogProbs(b.tokens(), 1f, b.firstColumn()) : null;
            NDArray lp = policy.tokenLogProbs(b.tokens(), 1f, b.firstColumn());
            return loss.compute(lp, b.behaviourLogProbs(), ref, b.mask(), b.advantages()).loss().getFloat();
        }
    }

    /** log softmax of the logits after the prompt: what the first draw samples from. */
    private static float[] firstLogProbs(Policy policy, int[] prompt) {
        ComputeThreads.stopRecording();
        try (NDManager scope = policy.manager().newSubManager()) {
            return policy.prefill(scope.create(prompt, new Shape(1, prompt.length)), 1).lastLogits().logSoftmax(-1)
                    .toFloatArray();
        }
    }

    private static Path write(FlatWeights weights, Path file) {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int i = 0; i < weights.segmentCount(); i++) {
                long start = (long) i * FlatWeights.SEGMENT_BYTES;
                ByteBuffer segment = weights.segment(i);
                segment.limit((int) Math.min(segment.capacity(), weights.size() - start));
                while (segment.hasRemaining()) {
                    out.write(segment);
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void ints(ArrayNode json, int[] values) {
        for (int v : values) {
            json.add(v);
        }
    }

    private static void floats(ArrayNode json, float[] values) {
        for (float v : values) {
            json.add(v);
        }
    }

    private static void rows(ArrayNode json, int[] values, int rows, int columns) {
        for (int r = 0; r < rows; r++) {
            ArrayNode row = json.addArray();
            for (int c = 0; c < columns; c++) {
                row.add(values[r * columns + c]);
            }
        }
    }

    private static void rows(ArrayNode json, float[] values, int rows, int columns) {
        for (int r = 0; r < rows; r++) {
            ArrayNode row = json.addArray();
            for (int c = 0; c < columns; c++) {
                row.add(values[r * columns + c]);
            }
        }
    }
}
