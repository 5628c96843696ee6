package dev.aha.runtime.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.SnapshotKind;
import dev.aha.protocol.weights.SnapshotLabel;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.engine.TrainPrecision;
import dev.aha.runtime.grpo.GrpoSample;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.grpo.LossAggregation;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptFactory;
import dev.aha.runtime.policy.lora.LoraApply;
import dev.aha.runtime.policy.lora.LoraInit;
import dev.aha.runtime.policy.lora.LoraSettings;
import dev.aha.runtime.reward.ExtractMode;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.SamplingSettings;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.tokenizer.CharTokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A rollout fed the base once and then each version's adapters, merged or unmerged, samples what a rollout fed the
 * learner's merged weights samples; adapters that do not fit what a rollout holds are refused in one line.
 */
class TorchRolloutEngineLoraTest {

    private static final CharTokenizer TOKENIZER = new CharTokenizer();
    private static final GptFactory GPT = new GptFactory(new GptConfig(TOKENIZER.vocabSize(), 48, 32, 2, 4, 4, 7L));
    /** Random A and B: far from the base, so a lost or misplaced adapter changes the greedy tokens. */
    private static final LoraSettings ALL_LINEAR = new LoraSettings(4, 1, 0, List.of("all-linear"), LoraInit.RANDOM,
            false);
    private static final SamplingSettings GREEDY = new SamplingSettings(0f, 1f, 10);
    private static final int[] PROMPT = {40, 41, 42, 43};

    /** Two versions of the learner: its base, its adapters and their merge, at v1 and at v2 after one step. */
    private static PlaneImage base;
    private static final List<PlaneImage> adapters = new ArrayList<>();
    private static final List<FlatWeights> merged = new ArrayList<>();

    @BeforeAll
    static void learner() {
        ComputeThreads.prepare(1);
        GrpoSettings grpo = new GrpoSettings(0.2, 0.28, 0.04, LossAggregation.TOKEN_MEAN, true, 1e-4, 0);
        FlatWeights initial;
        try (var m = ai.djl.ndarray.NDManager.newBaseManager()) {
            initial = GPT.create(m).exportWeights();
        }
        try (TorchTrainer t = new TorchTrainer(GPT, Device.cpu(), grpo, AdamWSettings.defaults(5e-2), ALL_LINEAR, 1,
                Long.MAX_VALUE, initial, initial, null, new TorchTrainer.EvalSettings(TOKENIZER,
                        PromptTemplate.of("{question}"), new SamplingSettings(1f, 1f, 8), 5, ExtractMode.STRICT, null,
                        null),
                TrainPrecision.F32)) {
            base = t.exportBase();
            for (int v = 0; v < 2; v++) {
                adapters.add(t.exportVersion());
                merged.add(t.exportWeights());
                int[] prompt = {40, 41, 42};
                t.update(List.of(new GrpoSample(prompt, new int[] {50, 51, 1}, new float[] {-4.5f, -4.6f, -4.4f}, 1f),
                        new GrpoSample(prompt, new int[] {60, 1}, new float[] {-4.5f, -4.6f}, -1f)));
            }
        }
    }

    @AfterAll
    static void release() {
        adapters.clear();
        merged.clear();
    }

    private static TorchRolloutEngine engine(DataType type, LoraSettings lora, LoraApply apply) {
        return new TorchRolloutEngine(GPT, Device.cpu(), type, 2, 1, GREEDY, TOKENIZER.vocabSize(), new int[] {-1},
                lora, apply);
    }

    /** One group of two greedy completions of {@link #PROMPT}. */
    private static List<Completion> sample(RolloutEngine engine) {
        return EngineRuns.group(engine, PROMPT, 2);
    }

    /** Applies the adapters of learner version {@code learner} as engine version {@code version}. */
    private static void feed(RolloutEngine engine, int learner, long version) {
        assertNull(engine.refusal(adapters.get(learner).label()));
        engine.loadAdapters(adapters.get(learner).weights(), version);
    }

    @Test
    void theLearnerLabelsItsBaseAndAdaptersAndSendsMegabytesLess() {
        assertEquals(SnapshotKind.LORA_BASE, base.label().kind());
        assertEquals(SnapshotKind.LORA_ADAPTERS, adapters.get(0).label().kind());
        assertEquals(base.label().baseSha256(), adapters.get(0).label().baseSha256());
        assertEquals(merged.get(0).size(), base.weights().size(), "the base in the policy's layout");
        assertTrue(adapters.get(0).weights().size() < base.weights().size() / 2, "adapters alone: A and B");
        assertFalse(merged.get(0).contentEquals(merged.get(1)), "the step moved the adapters");
    }

    @Test
    void baseAndAdaptersSampleWhatTheMergedWeightsSampleVersionAfterVersion() {
        try (TorchRolloutEngine whole = engine(DataType.FLOAT32, LoraSettings.OFF, LoraApply.MERGED);
                TorchRolloutEngine merging = engine(DataType.FLOAT32, ALL_LINEAR, LoraApply.MERGED);
                TorchRolloutEngine beside = engine(DataType.FLOAT32, ALL_LINEAR, LoraApply.UNMERGED)) {
            for (TorchRolloutEngine lora : List.of(merging, beside)) {
                assertTrue(lora.awaitsBase());
                assertEquals(adapters.get(0).weights().size(), lora.adapterBytes());
                lora.loadBase(base.weights(), base.label().baseSha256());
                assertFalse(lora.awaitsBase());
            }
            for (int v = 0; v < 2; v++) {
                whole.loadWeights(merged.get(v), v);
                feed(merging, v, v);
                feed(beside, v, v);
                List<Completion> expected = sample(whole);
                assertSame(expected, sample(merging), 0f, "merged v" + v + ": bit for bit");
                assertSame(expected, sample(beside), 1e-4f, "unmerged v" + v);
                assertEquals(v, sample(beside).get(0).versions()[0]);
            }
        }
    }

    /**
     * In bfloat16 the merged weights are rounded once per version from the kept base, so a version sampled again
     * after another is sampled exactly as before (nothing drifts), and the first token is the merged weights'.
     */
    @Test
    void bfloat16ReplicasTakeAdaptersWithoutDrift() {
        try (TorchRolloutEngine whole = engine(DataType.BFLOAT16, LoraSettings.OFF, LoraApply.MERGED)) {
            whole.loadWeights(merged.get(0), 0);
            Completion expected = sample(whole).get(0);
            for (LoraApply apply : List.of(LoraApply.MERGED, LoraApply.UNMERGED)) { // the ways a replica takes adapters
                try (TorchRolloutEngine lora = engine(DataType.BFLOAT16, ALL_LINEAR, apply)) {
                    lora.loadBase(base.weights(), base.label().baseSha256());
                    feed(lora, 0, 0);
                    List<Completion> first = sample(lora);
                    assertEquals(expected.tokens()[0], first.get(0).tokens()[0], apply.toString());
                    assertEquals(expected.logProbs()[0], first.get(0).logProbs()[0], 2e-2f, apply.toString());
                    feed(lora, 1, 1);
                    feed(lora, 0, 2);
                    assertSame(first, sample(lora), 0f, apply + ": v0 again after v1");
                }
            }
        }
    }

    private static void assertSame(List<Completion> expected, List<Completion> got, float tolerance, String what) {
        assertEquals(expected.size(), got.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).tokens(), got.get(i).tokens(), what);
            for (int t = 0; t < expected.get(i).logProbs().length; t++) {
                assertEquals(expected.get(i).logProbs()[t], got.get(i).logProbs()[t], tolerance, what);
            }
        }
    }

    @Test
    void adaptersThatDoNotFitAreRefusedInOneLineAndWaitForABase() {
        SnapshotLabel label = adapters.get(0).label();
        LoraSettings twoTargets = new LoraSettings(4, 1, 0, List.of("wqkv", "w2"), LoraInit.RANDOM, false);
        try (TorchRolloutEngine other = engine(DataType.FLOAT32, twoTargets, LoraApply.UNMERGED);
                TorchRolloutEngine lora = engine(DataType.FLOAT32, ALL_LINEAR, LoraApply.MERGED);
                TorchRolloutEngine whole = engine(DataType.FLOAT32, LoraSettings.OFF, LoraApply.MERGED)) {
            String layout = other.refusal(label);
            assertTrue(layout.startsWith("they are laid out for other LoRA settings (layout "), layout);
            assertTrue(layout.contains("; this rollout's aha.lora gives rank 4, scaling 0.25, 4 adapted layers, "
                    + "layout ")
                    && layout.endsWith("): every node must share aha.lora"), layout);

            IllegalStateException early = assertThrows(IllegalStateException.class,
                    () -> lora.loadAdapters(adapters.get(0).weights(), 0));
            assertEquals("adapters arrived before their base: a rollout waits for the base", early.getMessage());
            lora.loadBase(base.weights(), "ee".repeat(32));
            String otherBase = lora.refusal(label);
            assertEquals("they were trained on the base of SHA-256 " + label.baseSha256().substring(0, 12) + "..., "
                    + "this rollout holds the base of SHA-256 eeeeeeeeeeee... (another model, or another starting "
                    + "point)", otherBase);
            assertEquals("this rollout takes a LoRA base and adapters (aha.lora.rank 4): every node must share "
                    + "aha.lora", lora.refusal(SnapshotLabel.full()));
            assertEquals("this rollout takes whole policies (aha.lora.rank = 0 here): every node must share aha.lora",
                    whole.refusal(label));
            assertFalse(List.of(layout, otherBase).stream().anyMatch(s -> s.contains("\n")), "one line each");
        }
    }
}
