package dev.aha.runtime.policy.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.grpo.GroupAdvantages;
import dev.aha.runtime.grpo.GrpoLoss;
import dev.aha.runtime.grpo.GrpoSample;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.grpo.GrpoUpdateResult;
import dev.aha.runtime.grpo.GrpoUpdater;
import dev.aha.runtime.grpo.LossAggregation;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.ChunkedLogProbs;
import dev.aha.runtime.policy.WholeLogitsPolicy;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.hf.HfModelInit;
import dev.aha.runtime.policy.hf.SafetensorsFile;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.Sampler;
import dev.aha.runtime.sampling.SamplingSettings;
import dev.aha.runtime.sft.SftExample;
import dev.aha.runtime.sft.SupervisedFineTuner;
import dev.aha.runtime.support.Engines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learner's paths (GRPO, SFT, checkpoints) on a tiny randomly initialised Qwen3 in Hugging Face layout. */
class LlamaTrainingTest {

    private static final int VOCAB = 64;
    private static final int END = 1;
    private static final int PAD = 0;

    @TempDir
    Path tmp;

    private NDManager base;
    private HfModel model;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        base = NDManager.newBaseManager();
        // head_dim 16 != 32/4, GQA 4/2, tied embeddings: every Qwen3 path
        Path dir = HfModelInit.write(HfModelInit.Spec.of("qwen3", 32, 2, 4, 2, 64, VOCAB, true, 9).withHeadDim(16),
                tmp.resolve("qwen3-tiny"), null);
        model = HfModel.open(dir, 64);
    }

    @AfterEach
    void tearDown() {
        base.close();
    }

    @Test
    void shouldTakeGrpoAndSftStepsWithFlatNativeMemory() {
        try (LlamaPolicy policy = model.create(base);
                LlamaPolicy reference = model.create(base);
                AdamW adam = new AdamW(policy.parameters(), AdamWSettings.defaults(1e-2), base)) {
            reference.setTrainable(false);
            GrpoSettings settings = new GrpoSettings(0.2, 0.28, 0.04, LossAggregation.TOKEN_MEAN, true, 1e-4, 0);
            GrpoUpdater grpo = new GrpoUpdater(policy, reference, adam, new GrpoLoss(settings), 1f, PAD);
            SupervisedFineTuner sft = new SupervisedFineTuner(policy, adam, PAD);
            Sampler sampler = new Sampler(policy, new SamplingSettings(1f, 1f, 6), END);
            Random rng = new Random(3);
            int[] prompt = {5, 9, 12, 3};
            List<SftExample> sftBatch = List.of(new SftExample(new int[] {5, 9}, new int[] {7, 8, END}),
                    new SftExample(new int[] {4}, new int[] {6, END}));

            FlatWeights start = policy.exportWeights();
            int arraysAfterFirst = 0;
            for (int i = 0; i < 4; i++) {
                ComputeThreads.stopRecording();
                List<Completion> group = sampler.sampleGroup(prompt, 4, rng);
                double[] rewards = new double[group.size()];
                for (int g = 0; g < rewards.length; g++) {
                    rewards[g] = group.get(g).tokens().length % 2; // any signal that differs within the group
                }
                rewards[0] = 1 - rewards[1]; // never all equal
                float[] advantages = GroupAdvantages.compute(rewards, true, 1e-4);
                List<GrpoSample> samples = new ArrayList<>();
                for (int g = 0; g < group.size(); g++) {
                    Completion c = group.get(g);
                    samples.add(new GrpoSample(prompt, c.tokens(), c.logProbs(), advantages[g]));
                }
                GrpoUpdateResult result = grpo.update(samples);
                assertTrue(result.gradNorm() > 0 && Float.isFinite(result.loss()), "GRPO step " + i + ": " + result);
                float nll = sft.step(sftBatch);
                assertTrue(nll > 0 && Float.isFinite(nll), "SFT step " + i + ": " + nll);
                if (i == 0) {
                    arraysAfterFirst = Engines.liveArrays(base);
                    assertFalse(start.contentEquals(policy.exportWeights()), "the steps must change the weights");
                }
            }
            assertEquals(arraysAfterFirst, Engines.liveArrays(base), "NDArrays leaked across steps");
            assertTrue(start.contentEquals(reference.exportWeights()), "the reference must stay frozen");
        }
    }

    /**
     * A GRPO update at temperature 0.7 in micro-batches and an SFT step, with the tied head in chunks of five rows and
     * vocabulary slices that do not divide it, move the weights as the whole logits through autograd do.
     */
    @Test
    void shouldTakeTheStepsOfTheWholeLogitsWithTheTiedHeadInChunks() {
        AdamWSettings linear = new AdamWSettings(1e-2, 0.9, 0.99, 1.0, 0.0, 0.0);
        ChunkedLogProbs fiveRows = new ChunkedLogProbs(5L * VOCAB * Float.BYTES);
        List<GrpoSample> samples = List.of(new GrpoSample(new int[] {5, 9, 12}, new int[] {7, 8, END},
                        new float[] {-4f, -4.2f, -3.9f}, 1.1f),
                new GrpoSample(new int[] {4}, new int[] {6, 30, 31, END}, new float[] {-4f, -4.1f, -4.3f, -4f}, -0.4f),
                new GrpoSample(new int[] {3, 3}, new int[] {11, END}, new float[] {-4.4f, -3.8f}, -0.7f));
        List<SftExample> sftBatch = List.of(new SftExample(new int[] {5, 9}, new int[] {7, 8, 20, 21, END}),
                new SftExample(new int[] {4}, new int[] {6, END}));
        GrpoSettings settings = new GrpoSettings(0.2, 0.28, 0.04, LossAggregation.TOKEN_MEAN, true, 1e-4, 0);
        try (LlamaPolicy whole = model.create(base);
                LlamaPolicy chunked = model.create(base);
                LlamaPolicy reference = model.create(base);
                AdamW adamWhole = new AdamW(whole.parameters(), linear, base);
                AdamW adamChunked = new AdamW(chunked.parameters(), linear, base)) {
            assertTrue(whole.config().tieWordEmbeddings());
            reference.setTrainable(false);
            reference.parameters().get(1).array().muli(0.9f); // a reference that differs: the KL term is live
            GrpoUpdateResult a = new GrpoUpdater(new WholeLogitsPolicy(whole), reference, adamWhole,
                    new GrpoLoss(settings), 0.7f, PAD).update(samples);
            GrpoUpdateResult b = new GrpoUpdater(chunked, reference, adamChunked, new GrpoLoss(settings), 0.7f, PAD,
                    1, fiveRows).update(samples); // micro-batches of one row
            assertEquals(a.loss(), b.loss(), 1e-5f);
            assertEquals(a.gradNorm(), b.gradNorm(), 1e-4f * a.gradNorm());
            assertEquals(a.diagnostics().meanKl(), b.diagnostics().meanKl(), 1e-6f);
            float nllWhole = new SupervisedFineTuner(new WholeLogitsPolicy(whole), adamWhole, PAD).step(sftBatch);
            float nllChunked = new SupervisedFineTuner(chunked, adamChunked, PAD, Long.MAX_VALUE, fiveRows)
                    .step(sftBatch);
            assertEquals(nllWhole, nllChunked, 1e-5f);
            java.nio.FloatBuffer wa = whole.exportWeights().toByteBuffer().asFloatBuffer();
            java.nio.FloatBuffer wb = chunked.exportWeights().toByteBuffer().asFloatBuffer();
            for (int i = 0; i < wa.limit(); i++) {
                assertEquals(wa.get(i), wb.get(i), 1e-6f, "weight " + i);
            }
        }
    }

    @Test
    void shouldRoundTripThroughACheckpointUnderHuggingFaceNames() {
        try (LlamaPolicy policy = model.create(base);
                LlamaPolicy restored = model.blank(base);
                AdamW adam = new AdamW(policy.parameters(), AdamWSettings.defaults(1e-2), base);
                AdamW restoredAdam = new AdamW(restored.parameters(), AdamWSettings.defaults(1e-2), base)) {
            new SupervisedFineTuner(policy, adam, PAD).step(List.of(new SftExample(new int[] {2, 3}, new int[] {4, END})));
            ObjectNode run = new ObjectMapper().createObjectNode().put("step", 1);
            Path saved = new CheckpointStore(tmp.resolve("checkpoints"), 1).save(1, policy, adam, run);
            try (SafetensorsFile file = SafetensorsFile.open(saved.resolve("policy.safetensors"))) {
                assertEquals(new java.util.TreeSet<>(policy.layout().names()),
                        new java.util.TreeSet<>(file.header().entries().keySet()), "checkpoint tensors use HF names");
            }
            ObjectNode back = CheckpointStore.load(saved, restored, restoredAdam);
            assertEquals(1, back.get("step").asInt());
            assertEquals(1, restoredAdam.steps());
            assertTrue(policy.exportWeights().contentEquals(restored.exportWeights()));
        }
    }
}
