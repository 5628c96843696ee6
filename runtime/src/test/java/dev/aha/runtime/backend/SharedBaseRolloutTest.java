package dev.aha.runtime.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.engine.TrainPrecision;
import dev.aha.runtime.grpo.GrpoSample;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.grpo.LossAggregation;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptFactory;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.hf.HfModelInit;
import dev.aha.runtime.policy.lora.LoraApply;
import dev.aha.runtime.policy.lora.LoraInit;
import dev.aha.runtime.policy.lora.LoraSettings;
import dev.aha.runtime.policy.lora.SharedBase;
import dev.aha.runtime.reward.ExtractMode;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.SamplingSettings;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.tokenizer.CharTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollout over the learner's own frozen base (aha.lora.rollout-apply = shared) samples what a rollout with a
 * replica of that base and the same adapters samples, reads the learner's very tensors (no copy), and decodes on its
 * own thread while the learner steps on another.
 */
class SharedBaseRolloutTest {

    private static final int VOCAB = 64;
    private static final CharTokenizer TOKENIZER = new CharTokenizer();
    /** Random A and B: a lost adapter changes the greedy tokens. */
    private static final LoraSettings ALL_LINEAR = new LoraSettings(4, 1, 0, List.of("all-linear"), LoraInit.RANDOM,
            false);
    private static final SamplingSettings GREEDY = new SamplingSettings(0f, 1f, 10);
    private static final int[] PROMPT = {40, 41, 42, 43};

    @TempDir
    static Path dir;

    private HfModel model;
    private TorchTrainer learner;

    @BeforeEach
    void learner() {
        ComputeThreads.prepare(1);
        model = HfModel.open(HfModelInit.write(HfModelInit.Spec.of("qwen3", 32, 2, 4, 2, 64, VOCAB, false, 3),
                dir.resolve("qwen3-" + System.nanoTime()), null), 64);
        FlatWeights initial;
        try (NDManager m = NDManager.newBaseManager()) {
            initial = model.create(m).exportWeights();
        }
        learner = new TorchTrainer(model, Device.cpu(), new GrpoSettings(0.2, 0.28, 0.04, LossAggregation.TOKEN_MEAN,
                true, 1e-4, 0), AdamWSettings.defaults(5e-2), ALL_LINEAR, 1, Long.MAX_VALUE, initial, initial, null,
                new TorchTrainer.EvalSettings(TOKENIZER, PromptTemplate.of("{question}"),
                        new SamplingSettings(1f, 1f, 8), 5, ExtractMode.STRICT, null, null), TrainPrecision.F32);
    }

    @AfterEach
    void close() {
        learner.close();
    }

    private TorchRolloutEngine shared() {
        return TorchRolloutEngine.overSharedBase(model, Device.cpu(), learner.frozenBase().orElseThrow(), 2, 1, GREEDY,
                VOCAB, new int[] {-1}, ALL_LINEAR);
    }

    private TorchRolloutEngine replica() {
        TorchRolloutEngine engine = new TorchRolloutEngine(model, Device.cpu(), ai.djl.ndarray.types.DataType.FLOAT32,
                2, 1, GREEDY, VOCAB, new int[] {-1}, ALL_LINEAR, LoraApply.UNMERGED);
        PlaneImage base = learner.exportBase();
        engine.loadBase(base.weights(), base.label().baseSha256());
        return engine;
    }

    private void step() {
        int[] prompt = {40, 41, 42};
        learner.update(List.of(new GrpoSample(prompt, new int[] {50, 51, 1}, new float[] {-4.1f, -4.2f, -4.0f}, 1f),
                new GrpoSample(prompt, new int[] {60, 1}, new float[] {-4.2f, -4.1f}, -1f)));
    }

    private static List<Completion> sample(RolloutEngine engine) {
        return EngineRuns.group(engine, PROMPT, 2);
    }

    private void feed(RolloutEngine engine, long version) {
        PlaneImage adapters = learner.exportVersion();
        assertNull(engine.refusal(adapters.label()));
        engine.loadAdapters(adapters.weights(), version);
    }

    @Test
    void itSamplesWhatAReplicaOfTheBaseSamplesVersionAfterVersion() {
        try (TorchRolloutEngine shared = shared(); TorchRolloutEngine replica = replica()) {
            assertFalse(shared.awaitsBase(), "the base is there from the start");
            for (long v = 0; v < 2; v++) {
                feed(shared, v);
                feed(replica, v);
                List<Completion> expected = sample(replica);
                List<Completion> got = sample(shared);
                for (int i = 0; i < expected.size(); i++) {
                    assertArrayEquals(expected.get(i).tokens(), got.get(i).tokens(), "v" + v + " sample " + i);
                    assertArrayEquals(expected.get(i).logProbs(), got.get(i).logProbs(), 1e-5f);
                }
                assertEquals(v, got.get(0).versions()[0]);
                step();
            }
        }
    }

    @Test
    void itReadsTheLearnersTensorsAndTakesNoOtherBase() {
        try (TorchRolloutEngine shared = shared(); TorchRolloutEngine replica = replica()) {
            feed(shared, 0);
            feed(replica, 0);
            List<Completion> before = sample(shared);
            // Overwrite the learner's base in place (never done in training: it is frozen): the shared rollout sees it
            SharedBase.Offer offer = learner.frozenBase().orElseThrow();
            FlatWeights other;
            try (NDManager m = NDManager.newBaseManager()) {
                HfModel another = HfModel.open(HfModelInit.write(HfModelInit.Spec.of("qwen3", 32, 2, 4, 2, 64,
                        VOCAB, false, 11), dir.resolve("other-" + System.nanoTime()), null), 64);
                other = another.create(m).exportWeights();
            }
            offer.base().importWeights(other);
            List<Completion> after = sample(shared);
            assertFalse(sameTokens(before, after), "the shared rollout decodes over the learner's own tensors");
            assertTrue(sameTokens(before, sample(replica)), "a replica keeps its own copy");

            PlaneImage base = learner.exportBase();
            assertNotNull(shared.refusal(base.label()));
            assertThrows(IllegalStateException.class, () -> shared.loadBase(base.weights(),
                    base.label().baseSha256()));
        }
    }

    @Test
    void itDecodesOnItsOwnThreadWhileTheLearnerSteps() throws Exception {
        ExecutorService rolloutThread = Executors.newSingleThreadExecutor();
        try {
            SharedBase handoff = new SharedBase();
            CompletableFuture<Integer> sampled = CompletableFuture.supplyAsync(() -> {
                ComputeThreads.prepare(1);
                SharedBase.Offer offer = handoff.await(java.time.Duration.ofSeconds(30));
                int tokens = 0;
                try (TorchRolloutEngine engine = TorchRolloutEngine.overSharedBase(model, Device.cpu(), offer, 2, 1,
                        GREEDY, VOCAB, new int[] {-1}, ALL_LINEAR)) {
                    for (int i = 0; i < 20; i++) {
                        for (Completion c : sample(engine)) {
                            tokens += c.tokens().length;
                        }
                    }
                }
                return tokens;
            }, rolloutThread);
            SharedBase.Offer offer = learner.frozenBase().orElseThrow();
            handoff.offer(offer.base(), offer.sha256());
            while (!sampled.isDone()) {
                step();
            }
            assertTrue(sampled.get(60, TimeUnit.SECONDS) > 0);
        } finally {
            rolloutThread.shutdownNow();
        }
    }

    @Test
    void sharedAsksForTheLearnersBaseUnderLoraAndMeansNothingWithout() {
        try (TorchRolloutEngine plain = new TorchRolloutEngine(model, Device.cpu(),
                ai.djl.ndarray.types.DataType.FLOAT32, 2, 1, GREEDY, VOCAB, new int[] {-1}, LoraSettings.OFF,
                LoraApply.SHARED)) {
            assertTrue(plain.weightBytes() > 0, "without LoRA a rollout takes whole policies from the plane");
        }
        assertThrows(IllegalArgumentException.class, () -> new TorchRolloutEngine(model, Device.cpu(),
                ai.djl.ndarray.types.DataType.FLOAT32, 2, 1, GREEDY, VOCAB, new int[] {-1}, ALL_LINEAR,
                LoraApply.SHARED), "under LoRA, shared needs the learner's base");
    }

    @Test
    void onlyAPolicyOfTheSameLlamaFamilyModelCanBeShared() {
        try (NDManager m = NDManager.newBaseManager()) {
            HfModel other = HfModel.open(HfModelInit.write(HfModelInit.Spec.of("qwen3", 32, 1, 2, 1, 64, VOCAB,
                    false, 3), dir.resolve("one-layer-" + System.nanoTime()), null), 64);
            IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                    () -> model.sharing(m, other.blank(m)));
            assertTrue(foreign.getMessage().startsWith("a shared base must be a policy of this model"),
                    foreign.getMessage());
            GptFactory gpt = new GptFactory(GptConfig.tiny(VOCAB));
            IllegalArgumentException builtIn = assertThrows(IllegalArgumentException.class,
                    () -> gpt.sharing(m, gpt.blank(m)));
            assertEquals("gpt policies cannot share their weights: aha.lora.rollout-apply = shared needs a llama, "
                    + "qwen2 or qwen3 model", builtIn.getMessage());
        }
    }

    @Test
    void aRolloutWaitingForABaseTheLearnerNeverBuiltFailsInsteadOfWaiting() {
        SharedBase handoff = new SharedBase();
        handoff.fail(new IllegalArgumentException("no such model"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> handoff.await(java.time.Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("no such model"), e.getMessage());
        IllegalStateException late = assertThrows(IllegalStateException.class,
                () -> new SharedBase().await(java.time.Duration.ofMillis(50)));
        assertTrue(late.getMessage().contains("did not offer its base"), late.getMessage());
    }

    private static boolean sameTokens(List<Completion> a, List<Completion> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!java.util.Arrays.equals(a.get(i).tokens(), b.get(i).tokens())) {
                return false;
            }
        }
        return true;
    }
}
