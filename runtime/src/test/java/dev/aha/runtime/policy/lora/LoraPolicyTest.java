package dev.aha.runtime.policy.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.engine.Gradients;
import dev.aha.runtime.grpo.GrpoLoss;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.grpo.GrpoUpdateResult;
import dev.aha.runtime.grpo.GrpoUpdater;
import dev.aha.runtime.grpo.LossAggregation;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.ChunkedLogProbs;
import dev.aha.runtime.policy.KvCache;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.TrainingLogProbs;
import dev.aha.runtime.policy.WholeLogitsPolicy;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.hf.SmallPieces;
import dev.aha.runtime.sft.SftExample;
import dev.aha.runtime.sft.SupervisedFineTuner;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Adapters on the real engine: the forward, its merged form, its gradients, and training that moves them alone. */
class LoraPolicyTest {

    @TempDir
    static Path tmp;

    private static HfModel qwen3;
    private NDManager manager;

    @BeforeAll
    static void model() {
        qwen3 = LoraFixtures.qwen3(tmp.resolve("q3"), 5);
    }

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private LoraPolicy adapted(String architecture, LoraSettings settings) {
        return LoraPolicy.over(LoraFixtures.base(architecture, qwen3, manager), settings, architecture, 11);
    }

    private float[] logits(Policy policy) {
        try (NDManager scope = manager.newSubManager()) {
            return policy.logits(LoraFixtures.tokens(scope)).toFloatArray();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "qwen3"})
    void withBZeroAtInitThePolicyIsItsBaseExactly(String architecture) {
        try (Policy plain = LoraFixtures.base(architecture, qwen3, manager);
                LoraPolicy lora = adapted(architecture, LoraFixtures.settings(4, 16, LoraInit.PEFT_DEFAULT,
                        "all-linear"))) {
            assertArrayEquals(logits(plain), logits(lora), 0f, "B = 0: the adapter term adds exactly zero");
            for (PolicyParameter p : lora.parameters()) {
                float[] values = p.array().toFloatArray();
                float bound = (float) (1 / Math.sqrt(p.shape().get(1)));
                for (float v : values) {
                    if (p.name().endsWith("lora_B.weight")) {
                        assertEquals(0f, v, p.name());
                    } else {
                        assertTrue(Math.abs(v) <= bound, p.name() + ": Kaiming-uniform within 1/sqrt(in)");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "qwen3"})
    void theAdapterForwardEqualsTheMergedWeightsForward(String architecture) {
        LoraSettings random = new LoraSettings(4, 16, 0, List.of("all-linear"), LoraInit.RANDOM, true);
        try (LoraPolicy lora = adapted(architecture, random);
                Policy merged = LoraFixtures.base(architecture, qwen3, manager)) {
            merged.importWeights(LoraMerge.merged(lora));
            float[] adapted = logits(lora);
            float[] base = logits(lora.base());
            float[] expected = logits(merged);
            double moved = 0;
            for (int i = 0; i < adapted.length; i++) {
                assertEquals(expected[i], adapted[i], 2e-5f, "logit " + i);
                moved = Math.max(moved, Math.abs(adapted[i] - base[i]));
            }
            assertTrue(moved > 1e-2, "random B: the adapters must change the logits, moved " + moved);
            // The sampling path (KV cache) adds the same term.
            try (NDManager scope = manager.newSubManager()) {
                NDArray prompt = LoraFixtures.tokens(scope).get("0:1, :");
                KvCache a = lora.prefill(prompt, 2);
                KvCache m = merged.prefill(prompt, 2);
                NDArray next = scope.create(new int[] {4, 5});
                assertArrayEquals(merged.step(m, next).toFloatArray(), lora.step(a, next).toFloatArray(), 2e-5f);
            }
        }
    }

    /** A weight past one buffer's size moves in pieces: the merged image and the base's hash come out the same. */
    @Test
    void mergedWeightsAndTheBaseHashAreTheSameInPieces() {
        LoraSettings random = new LoraSettings(4, 16, 0, List.of("all-linear"), LoraInit.RANDOM, false);
        try (LoraPolicy lora = adapted("qwen3", random)) {
            FlatWeights whole = LoraMerge.merged(lora);
            String hash = LoraBase.sha256(lora.base());
            try (SmallPieces small = SmallPieces.of(300)) { // a few rows of 32 or 64 floats a piece
                assertTrue(whole.contentEquals(LoraMerge.merged(lora)));
                assertEquals(hash, LoraBase.sha256(lora.base()));
            }
        }
    }

    @Test
    void adaptersGoOnlyOntoAnAdaptablePolicyAndOnlyWithARank() {
        try (LoraPolicy lora = adapted("gpt", LoraFixtures.settings(2, 8, LoraInit.PEFT_DEFAULT))) {
            assertEquals("this gpt policy takes no LoRA adapters (it has adapters already)", assertThrows(
                    IllegalArgumentException.class, () -> LoraPolicy.over(lora, lora.settings(), "gpt", 1))
                    .getMessage());
            assertThrows(IllegalArgumentException.class, () -> LoraAdapters.create(lora.adapters().modules(),
                    LoraSettings.OFF, manager, 1), "rank 0 makes no adapters");
            LinearModule head = new LinearModule("head", "head", 64, 64, true);
            assertThrows(IllegalArgumentException.class, () -> lora.adapters().delta(head, manager));
        }
    }

    @Test
    void gradientsReachAAndBAndNeverTheBase() {
        try (LoraPolicy lora = adapted("qwen3", new LoraSettings(4, 8, 0, List.of("all-linear"), LoraInit.RANDOM,
                false))) {
            lora.setTrainable(true);
            try (NDManager scope = manager.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(lora.tokenLogProbs(LoraFixtures.tokens(scope), 1f).sum());
            }
            for (PolicyParameter p : lora.parameters()) {
                try (NDArray g = p.array().getGradient()) {
                    assertTrue(g.abs().sum().getFloat() > 0, p.name() + " gets a gradient");
                }
            }
            for (PolicyParameter p : lora.base().parameters()) {
                assertFalse(p.array().hasGradient(), p.name() + " is frozen");
            }
        }
    }

    /**
     * The output head in chunks backpropagates through the base's frozen head into the adapters as the whole logits
     * do through autograd, and leaves the head without a gradient.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gpt", "qwen3"})
    void theChunkedHeadTrainsTheAdaptersAsTheWholeLogitsDo(String architecture) {
        LoraSettings random = new LoraSettings(4, 8, 0, List.of("all-linear"), LoraInit.RANDOM, false);
        try (LoraPolicy chunked = adapted(architecture, random);
                LoraPolicy whole = adapted(architecture, random);
                NDManager scope = manager.newSubManager()) {
            chunked.setTrainable(true);
            whole.setTrainable(true);
            NDArray tokens = LoraFixtures.tokens(scope);
            ChunkedLogProbs chunks = new ChunkedLogProbs(3L * LoraFixtures.VOCAB * Float.BYTES);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                TrainingLogProbs recorded = chunks.record(chunked, tokens, 0.7f, 1);
                recorded.backward(collector, recorded.logProbs().exp().sum());
            }
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                TrainingLogProbs recorded = chunks.record(new WholeLogitsPolicy(whole), tokens, 0.7f, 1);
                recorded.backward(collector, recorded.logProbs().exp().sum());
            }
            for (int i = 0; i < whole.parameters().size(); i++) {
                float[] expected = whole.parameters().get(i).array().getGradient().toFloatArray();
                float[] actual = chunked.parameters().get(i).array().getGradient().toFloatArray();
                float largest = 0;
                for (float e : expected) {
                    largest = Math.max(largest, Math.abs(e));
                }
                assertTrue(largest > 0, whole.parameters().get(i).name());
                assertArrayEquals(expected, actual, 1e-5f * largest, whole.parameters().get(i).name());
            }
            assertFalse(chunked.outputHeadWeight().orElseThrow().trainable());
            assertFalse(Gradients.held(chunked.outputHeadWeight().orElseThrow().weight()), "the frozen head");
        }
    }

    @Test
    void grpoAndSftStepsMoveOnlyTheAdaptersAndTheReferenceIsTheBase() {
        GrpoSettings grpo = new GrpoSettings(0.2, 0.28, 0.04, LossAggregation.TOKEN_MEAN, true, 1e-4, 0);
        try (LoraPolicy lora = adapted("qwen3", new LoraSettings(4, 16, 0.1, List.of(), LoraInit.PEFT_DEFAULT,
                        false));
                Policy fresh = qwen3.create(manager);
                AdamW adam = new AdamW(lora.parameters(), AdamWSettings.defaults(1e-2), manager)) {
            assertEquals(2 * 4, lora.parameters().size(), "A and B on q_proj and v_proj of 2 layers");
            assertEquals(2 * lora.parameters().size(), adam.moments().size(), "moments for the adapters alone");
            String base = LoraBase.sha256(lora.base());
            assertEquals(LoraBase.sha256(fresh), base);
            FlatWeights start = lora.exportWeights();
            GrpoUpdater updater = new GrpoUpdater(lora, lora.base(), adam, new GrpoLoss(grpo), 1f, LoraFixtures.PAD);
            SupervisedFineTuner sft = new SupervisedFineTuner(lora, adam, LoraFixtures.PAD);
            for (int i = 0; i < 2; i++) {
                GrpoUpdateResult r = updater.update(LoraFixtures.samples());
                assertTrue(r.gradNorm() > 0 && Float.isFinite(r.loss()), r.toString());
                assertTrue(Float.isFinite(sft.step(List.of(new SftExample(new int[] {5, 9},
                        new int[] {7, 8, LoraFixtures.END})))));
            }
            assertEquals(base, LoraBase.sha256(lora.base()), "the base's bytes are unchanged");
            assertFalse(start.contentEquals(lora.exportWeights()), "the adapters moved");
            ComputeThreads.stopRecording();
            try (NDManager scope = manager.newSubManager()) {
                NDArray tokens = LoraFixtures.tokens(scope);
                float[] reference = lora.base().tokenLogProbs(tokens, 1f).toFloatArray();
                assertArrayEquals(fresh.tokenLogProbs(tokens, 1f).toFloatArray(), reference, 0f,
                        "the reference is the base with adapters off");
                float[] trained = lora.tokenLogProbs(tokens, 1f).toFloatArray();
                assertFalse(java.util.Arrays.equals(reference, trained), "and the policy is not");
                assertArrayEquals(trained, lora.tokenLogProbs(tokens, 1f).toFloatArray(), 0f,
                        "no dropout outside a training forward");
            }
        }
    }
}
