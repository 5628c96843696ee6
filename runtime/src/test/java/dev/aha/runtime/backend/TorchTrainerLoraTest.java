package dev.aha.runtime.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.engine.TrainPrecision;
import dev.aha.runtime.grpo.GrpoSample;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.grpo.GrpoUpdateResult;
import dev.aha.runtime.grpo.LossAggregation;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptFactory;
import dev.aha.runtime.policy.gpt.GptPolicy;
import dev.aha.runtime.policy.lora.LoraBase;
import dev.aha.runtime.policy.lora.LoraInit;
import dev.aha.runtime.policy.lora.LoraSettings;
import dev.aha.runtime.reward.ExtractMode;
import dev.aha.runtime.sampling.SamplingSettings;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.tokenizer.CharTokenizer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learner under LoRA: adapters train on the frozen base, the merged model goes out, a resume fits or is refused. */
class TorchTrainerLoraTest {

    private static final CharTokenizer TOKENIZER = new CharTokenizer();
    private static final GptConfig GPT = new GptConfig(TOKENIZER.vocabSize(), 48, 32, 2, 4, 4, 7L);
    private static final GrpoSettings GRPO = new GrpoSettings(0.2, 0.28, 0.04, LossAggregation.TOKEN_MEAN, true, 1e-4,
            0);
    private static final LoraSettings RANK_4 = new LoraSettings(4, 8, 0, List.of("wqkv", "w2"),
            LoraInit.PEFT_DEFAULT, false);

    @TempDir
    static Path tmp;

    private static FlatWeights initial;
    private static FlatWeights otherBase;

    @BeforeAll
    static void weights() {
        ComputeThreads.prepare(1);
        try (NDManager m = NDManager.newBaseManager()) {
            initial = GptPolicy.create(GPT, m).exportWeights();
            otherBase = GptPolicy.create(new GptConfig(TOKENIZER.vocabSize(), 48, 32, 2, 4, 4, 8L), m).exportWeights();
        }
    }

    private static TorchTrainer trainer(LoraSettings lora, FlatWeights base, Path resumeFrom) {
        return trainer(lora, base, resumeFrom, TrainPrecision.F32);
    }

    private static TorchTrainer trainer(LoraSettings lora, FlatWeights base, Path resumeFrom, TrainPrecision precision) {
        return new TorchTrainer(new GptFactory(GPT), Device.cpu(), GRPO, AdamWSettings.defaults(1e-2), lora, 1,
                Long.MAX_VALUE, base, base, resumeFrom, new TorchTrainer.EvalSettings(TOKENIZER,
                        PromptTemplate.of("Q: {question}\nA:"), new SamplingSettings(1f, 1f, 8), 5,
                        ExtractMode.STRICT, null, null), precision);
    }

    private static List<GrpoSample> samples() {
        int[] prompt = {40, 41, 42};
        return List.of(new GrpoSample(prompt, new int[] {50, 51, 1}, new float[] {-4.5f, -4.6f, -4.4f}, 1f),
                new GrpoSample(prompt, new int[] {60, 1}, new float[] {-4.5f, -4.6f}, -1f));
    }

    /** Under bf16-mixed the adapters' products run in bfloat16 like the base's, and still train. */
    @Test
    void adaptersTrainUnderBf16Mixed() {
        try (TorchTrainer t = trainer(RANK_4, initial, null, TrainPrecision.BF16_MIXED)) {
            for (int i = 0; i < 2; i++) {
                GrpoUpdateResult r = t.update(samples());
                assertTrue(r.gradNorm() > 0 && Float.isFinite(r.loss()), r.toString());
            }
            assertFalse(initial.contentEquals(t.exportWeights()), "the adapters moved");
        }
    }

    /**
     * Under bf16-mixed the frozen base is held in bfloat16 (half its memory) and goes out rounded so, still named by
     * the float32 image it came from: its adapters resume onto the same model kept in float32.
     */
    @Test
    void underBf16MixedTheBaseIsHeldInBfloat16AndNamedByItsFloat32Image() {
        Path saved;
        try (TorchTrainer t = trainer(RANK_4, initial, null, TrainPrecision.BF16_MIXED)) {
            PlaneImage base = t.exportBase();
            assertEquals(LoraBase.sha256(initial), base.label().baseSha256());
            FloatBuffer rounded = base.weights().toByteBuffer().asFloatBuffer();
            FloatBuffer exact = initial.toByteBuffer().asFloatBuffer();
            int changed = 0;
            for (int i = 0; i < exact.limit(); i++) { // matrices rounded, norms (and the GPT's tables) float32
                float e = exact.get(i);
                float r = rounded.get(i);
                assertTrue(r == e || r == bfloat16(e), "weight " + i + ": " + e + " went out as " + r);
                changed += r != e ? 1 : 0;
            }
            assertTrue(changed > exact.limit() / 2, "most weights lose bits in bfloat16: " + changed);
            t.update(samples());
            CheckpointStore store = new CheckpointStore(tmp.resolve("bf16-base"), 1);
            t.checkpoint(store, 1, JsonNodeFactory.instance.objectNode().put("step", 1));
            saved = store.latest().orElseThrow();
        }
        try (TorchTrainer resumed = trainer(RANK_4, initial, saved, TrainPrecision.F32)) {
            assertEquals(LoraBase.sha256(initial), resumed.exportBase().label().baseSha256());
        }
    }

    /** Round to nearest even, as torch's float-to-bfloat16 conversion (no NaNs here). */
    private static float bfloat16(float x) {
        int bits = Float.floatToRawIntBits(x);
        return Float.intBitsToFloat((bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF0000);
    }

    @Test
    void adaptersTrainOnTheFrozenBaseAndTheMergedModelGoesOut() {
        Path saved;
        FlatWeights trained;
        try (TorchTrainer t = trainer(RANK_4, initial, null)) {
            assertTrue(initial.contentEquals(t.exportWeights()), "B = 0: the merged model is the base, bit for bit");
            for (int i = 0; i < 3; i++) {
                GrpoUpdateResult r = t.update(samples());
                assertTrue(r.gradNorm() > 0 && Float.isFinite(r.loss()), r.toString());
            }
            trained = t.exportWeights();
            assertEquals(initial.size(), trained.size(), "the whole model's layout, as the rollouts take it");
            assertFalse(initial.contentEquals(trained), "the adapters moved the merged weights");
            CheckpointStore store = new CheckpointStore(tmp.resolve("run"), 1);
            t.checkpoint(store, 3, JsonNodeFactory.instance.objectNode().put("step", 3));
            saved = store.latest().orElseThrow();
        }
        assertTrue(Files.isRegularFile(saved.resolve("adapter.json")));
        try (TorchTrainer resumed = trainer(RANK_4, initial, saved)) {
            assertTrue(trained.contentEquals(resumed.exportWeights()), "the resumed adapters, exactly");
        }
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class, () -> trainer(
                new LoraSettings(8, 8, 0, RANK_4.targets(), LoraInit.PEFT_DEFAULT, false), initial, saved));
        assertTrue(rank.getMessage().contains("holds adapters of rank 4, the policy's have rank 8"), rank.getMessage());
        IllegalArgumentException base = assertThrows(IllegalArgumentException.class,
                () -> trainer(RANK_4, otherBase, saved));
        assertTrue(base.getMessage().contains("adapters were trained on another base: gpt"), base.getMessage());
        IllegalArgumentException whole = assertThrows(IllegalArgumentException.class,
                () -> trainer(LoraSettings.OFF, initial, saved));
        assertTrue(whole.getMessage().contains("holds LoRA adapters (rank 4 on gpt)"), whole.getMessage());
    }
}
