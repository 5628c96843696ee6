package dev.aha.actors.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.RunResources;
import dev.aha.actors.pipeline.Learner;
import dev.aha.actors.pipeline.LearnerSetup;
import dev.aha.actors.pipeline.PipelineFixture;
import dev.aha.actors.pipeline.RunState;
import dev.aha.actors.weights.WeightPlane;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.SnapshotLabel;
import dev.aha.protocol.weights.WeightListener;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.hf.HfModelInit;
import dev.aha.runtime.policy.hf.SafetensorsFile;
import dev.aha.runtime.policy.lora.LoraBase;
import dev.aha.runtime.policy.lora.LoraPolicy;
import dev.aha.runtime.policy.lora.LoraTargets;
import dev.aha.runtime.policy.lora.SharedBase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training under LoRA: a run trains adapters over its cold start and checkpoints them naming that base, with the
 * base once and then adapters alone on the weight plane; a resume starts from the cold start as the base and leaves
 * the adapters to the learner.
 */
class LoraRunTest {

    private static final String LORA = "aha.lora { rank = 4, alpha = 8, targets = [wqkv, w2] }\n";

    @TempDir
    Path out;

    @Test
    void aLoraRunCheckpointsItsAdaptersOverItsColdStart() throws Exception {
        RunConfig config = PipelineFixture.config(LORA + "aha.train.max-steps = 1");
        ObjectNode summary = new TrainingSession(config, new TrainingSession.Options(out, 1, null, null, null, null))
                .run();
        assertTrue(summary.get("steps").asLong() >= 1, summary.toString());
        Path saved = new CheckpointStore(out.resolve("checkpoints"), 3).latest().orElseThrow();
        JsonNode record = MetricsLog.JSON.readTree(saved.resolve("adapter.json").toFile());
        assertEquals(4, record.get("rank").asInt());
        assertEquals("gpt", record.get("base").get("model").asText());
        try (SafetensorsFile weights = SafetensorsFile.open(saved.resolve("policy.safetensors"))) {
            assertEquals(4, weights.header().entries().size(), "A and B of wqkv and w2 of one layer, nothing else");
        }
        ComputeThreads.prepare(1);
        try (NDManager m = NDManager.newBaseManager(); Policy coldStart = config.policy().blank(m)) {
            CheckpointStore.load(CheckpointStore.resolve(out.resolve("cold-start")), coldStart, null);
            assertEquals(LoraBase.sha256(coldStart), record.get("base").get("sha256").asText(),
                    "the adapters' base is the cold start");
        }
    }

    /** The learner's plane, recording what it publishes. */
    private record Recording(WeightPlane plane, List<String> published) implements WeightPlane {
        @Override
        public void publish(long version, FlatWeights image) {
            publish(version, image, SnapshotLabel.full());
        }

        @Override
        public void publish(long version, FlatWeights image, SnapshotLabel label) {
            published.add(label.kind() + " v" + version + " " + image.size());
            plane.publish(version, image, label);
        }

        @Override
        public AutoCloseable subscribe(String name, long byteLength, WeightListener listener) {
            return plane.subscribe(name, byteLength, listener);
        }

        @Override
        public AutoCloseable subscribe(String name, long byteLength, long adapterBytes, WeightListener listener) {
            return plane.subscribe(name, byteLength, adapterBytes, listener);
        }

        @Override
        public void close() {
            plane.close();
        }
    }

    @Test
    void theWeightPlaneCarriesTheBaseOnceAndThenAdaptersAlone() throws Exception {
        RunConfig config = PipelineFixture.config(LORA + "aha.train.max-steps = 2");
        List<String> published = new CopyOnWriteArrayList<>();
        Learner.Finished done = PipelineFixture.run(config, 60, config.reward().compose(), out,
                plane -> new Recording(plane, published));
        assertEquals(2, done.state().step(), "the rollouts sampled: base and adapters reached them");
        long base = config.policy().layout().totalBytes();
        long adapters = LoraTargets.resolve(config.lora(), "gpt", config.policy().layout()).stream()
                .mapToLong(m -> 4L * (m.in() + m.out()) * Float.BYTES).sum(); // A [4, in] and B [out, 4] of each
        assertEquals(List.of("LORA_BASE v0 " + base, "LORA_ADAPTERS v0 " + adapters, "LORA_ADAPTERS v1 " + adapters,
                "LORA_ADAPTERS v2 " + adapters), published);
    }

    @Test
    void rolloutsInTheLearnersJvmDecodeOverItsOwnBaseAndThePlaneCarriesAdaptersAlone() throws Exception {
        Path model = HfModelInit.write(HfModelInit.Spec.of("qwen3", 32, 1, 2, 1, 64, 128, false, 5),
                out.resolve("tiny-qwen3"), null);
        RunConfig config = PipelineFixture.config("aha.policy { architecture = hf, model = \"" + model + "\" }\n"
                + "aha.lora { rank = 4, alpha = 8, targets = [all-linear], rollout-apply = shared }\n"
                + "aha.train.max-steps = 2");
        List<String> published = new CopyOnWriteArrayList<>();
        Learner.Finished done = PipelineFixture.run(config, 60, config.reward().compose(), out,
                plane -> new Recording(plane, published));
        assertEquals(2, done.state().step(), "the rollouts sampled over the learner's base");
        assertEquals(3, published.size(), published.toString());
        assertTrue(published.stream().allMatch(p -> p.startsWith("LORA_ADAPTERS")),
                "no base on the plane: " + published);
    }

    @Test
    void aSharedBaseIsRefusedWhereRolloutsCannotReachTheLearnersTensors() {
        Path model = HfModelInit.write(HfModelInit.Spec.of("qwen3", 32, 1, 2, 1, 64, 128, false, 5),
                out.resolve("tiny-qwen3"), null);
        String hf = "aha.policy { architecture = hf, model = \"" + model + "\" }\n";
        String shared = "aha.lora { rank = 4, alpha = 8, targets = [all-linear], rollout-apply = shared }\n";
        assertRefused("aha.lora.rollout-apply = shared needs a llama, qwen2 or qwen3 model; the built-in gpt takes "
                + "merged or unmerged", () -> PipelineFixture.config(shared));
        assertRefused("aha.lora.rollout-apply = shared decodes over the learner's frozen base, which "
                + "aha.train.precision = bf16-mixed stores in bf16: set aha.rollout.dtype = bf16",
                () -> PipelineFixture.config(hf + shared + "aha.train.precision = bf16-mixed"));
        assertRefused("aha.lora.rollout-apply = shared decodes over the learner's frozen base, which "
                + "aha.train.precision = f32 stores in f32: set aha.rollout.dtype = f32",
                () -> PipelineFixture.config(hf + shared + "aha.rollout.dtype = bf16"));
        RunConfig fits = PipelineFixture.config(hf + shared + "aha.train.precision = bf16-mixed\n"
                + "aha.rollout.dtype = bf16");
        assertRefused("aha.lora.rollout-apply = shared needs the rollouts in the learner's JVM (aha train); in a "
                + "cluster (aha join) each rollout holds a replica: use merged or unmerged",
                () -> fits.requireOwnReplicas("aha join"));
        // without LoRA there is no base to share, and nothing to refuse
        PipelineFixture.config(hf + "aha.lora.rollout-apply = shared").requireOwnReplicas("aha seed");
    }

    @Test
    void aLearnerThatCannotBuildItsPolicyFailsTheRolloutsWaitingForItsBase() throws Exception {
        Path model = HfModelInit.write(HfModelInit.Spec.of("qwen3", 32, 1, 2, 1, 64, 128, false, 5),
                out.resolve("tiny-qwen3"), null);
        RunConfig config = PipelineFixture.config("aha.policy { architecture = hf, model = \"" + model + "\" }\n"
                + "aha.lora { rank = 4, alpha = 8, targets = [all-linear], rollout-apply = shared }");
        SharedBase shared = new SharedBase();
        ActorTestKit kit = ActorTestKit.create("shared-base", config.pekko());
        try (RunResources resources = RunResources.open(config)) {
            FlatWeights wrongSize = FlatWeights.allocate(16); // not this model's weights: the learner cannot start
            LearnerSetup setup = new LearnerSetup(resources, wrongSize, wrongSize, null, RunState.fresh(), null,
                    new CheckpointStore(out.resolve("checkpoints"), 1), out, List.of(),
                    System.nanoTime() + 60_000_000_000L, shared);
            kit.spawn(Learner.create(setup, kit.<Learner.Finished>createTestProbe().ref()), "learner");
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> shared.await(Duration.ofSeconds(60)));
            assertTrue(e.getMessage().startsWith("the learner failed before its base could be shared"),
                    e.getMessage());
        } finally {
            kit.shutdownTestKit();
        }
    }

    private static void assertRefused(String message, org.junit.jupiter.api.function.Executable bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad);
        assertEquals(message, e.getMessage());
    }

    @Test
    void aResumeStartsFromTheColdStartAndLeavesTheAdaptersToTheLearner() {
        RunConfig config = PipelineFixture.config(LORA);
        ComputeThreads.prepare(1);
        FlatWeights cold;
        Path adapters;
        try (NDManager m = NDManager.newBaseManager(); Policy policy = config.policy().create(m)) {
            cold = policy.exportWeights();
            new CheckpointStore(out.resolve("cold-start"), 1).savePolicy(0, policy, RunState.fresh().toJson());
            try (LoraPolicy lora = LoraPolicy.over(config.policy().create(m), config.lora(), "gpt", 3)) {
                ObjectNode state = new RunState(5, 5, 40, 40, 40, 0, 3.0, 0.0, 1.0).toJson();
                adapters = new CheckpointStore(out.resolve("checkpoints"), 3).savePolicy(5, lora, state);
            }
        }
        StartingPoint start = StartingPoint.resume(config, out, null, true);
        assertEquals(adapters, start.resumeFrom());
        assertEquals(5, start.state().step());
        assertTrue(cold.contentEquals(start.weights()), "the base: the cold start");
        assertTrue(cold.contentEquals(start.reference()));

        IllegalArgumentException whole = assertThrows(IllegalArgumentException.class,
                () -> StartingPoint.resume(PipelineFixture.config(""), out, null, true));
        assertTrue(whole.getMessage().contains("holds LoRA adapters (rank 4 on gpt)"), whole.getMessage());

        Path fullRun = out.resolve("full-run");
        try (NDManager m = NDManager.newBaseManager(); Policy policy = config.policy().create(m)) {
            new CheckpointStore(fullRun.resolve("cold-start"), 1).savePolicy(0, policy, RunState.fresh().toJson());
            new CheckpointStore(fullRun.resolve("checkpoints"), 1).savePolicy(2, policy, RunState.fresh().toJson());
        }
        IllegalArgumentException lora = assertThrows(IllegalArgumentException.class,
                () -> StartingPoint.resume(config, fullRun, null, true));
        assertTrue(lora.getMessage().endsWith("holds a whole policy, no LoRA adapters: a run saved with aha.lora.rank"
                + " = 0 resumes with rank 0"), lora.getMessage());
    }
}
