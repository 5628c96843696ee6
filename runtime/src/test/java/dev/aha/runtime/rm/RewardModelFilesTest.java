package dev.aha.runtime.rm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptFactory;
import dev.aha.runtime.policy.hf.HfCheckpoint;
import dev.aha.runtime.policy.hf.HfFormatException;
import dev.aha.runtime.policy.hf.HfModelInit;
import dev.aha.runtime.policy.hf.SafetensorsDType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reward models started from language models, written and read back, and the directories refused for scoring. */
class RewardModelFilesTest {

    private static final List<int[]> ROWS = List.of(new int[] {3, 4, 5, 6}, new int[] {7, 8}, new int[] {9, 1, 2});

    private NDManager base;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        base = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        base.close();
    }

    private static HfModelInit.Spec tinyQwen3() {
        return HfModelInit.Spec.of("qwen3", 32, 1, 4, 2, 48, 64, false, 5).withMaxPositionEmbeddings(64);
    }

    @Test
    void shouldStartFromACausalModelAndReadBackAsAClassifier() throws IOException {
        Path causal = HfModelInit.write(tinyQwen3(), dir.resolve("causal"), null); // untied: has an lm_head
        RewardModelSource start = RewardModelSources.open(causal, 64, 0);
        assertFalse(start.hasScoreHead());
        assertEquals(0, start.padTokenId());
        Path written;
        float[] before;
        try (RewardModel model = start.create(base, 3)) {
            before = model.rewards(ROWS);
            written = start.write(model, dir.resolve("rm"), SafetensorsDType.F32);
        }
        ObjectNode config = (ObjectNode) new ObjectMapper().readTree(written.resolve("config.json").toFile());
        assertEquals("Qwen3ForSequenceClassification", config.get("architectures").get(0).asText());
        assertEquals(0, config.get("pad_token_id").asInt());
        try (HfCheckpoint file = HfCheckpoint.open(written)) {
            assertTrue(file.names().contains("score.weight"));
            assertFalse(file.names().contains("lm_head.weight"));
        }
        RewardModelSource back = RewardModelSources.openForScoring(written, 64);
        try (RewardModel model = back.create(base, 99)) {
            assertArrayEquals(before, model.rewards(ROWS), 0f);
        }
    }

    @Test
    void shouldInitialiseARandomRewardModel() {
        Path written = HfModelInit.writeRewardModel(tinyQwen3(), dir.resolve("init"), null, 0);
        try (RewardModel model = RewardModelSources.openForScoring(written, 64).create(base, 1)) {
            for (float r : model.rewards(ROWS)) {
                assertTrue(Float.isFinite(r));
            }
        }
    }

    @Test
    void shouldRefuseSeveralLabelsForARewardInOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RewardModelSources.openForScoring(Path.of("src/test/fixtures/reward-reference/llama"), 64));
        assertTrue(e.getMessage().contains("num_labels = 2"), e.getMessage());
        try (RewardModel model = RewardModelSources.open(Path.of("src/test/fixtures/reward-reference/llama"), 64,
                null).create(base, 1)) {
            IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> model.rewards(ROWS));
            assertTrue(r.getMessage().contains("num_labels = 2"), r.getMessage());
        }
    }

    @Test
    void shouldRefuseALanguageModelForScoring() {
        Path causal = HfModelInit.write(tinyQwen3(), dir.resolve("causal"), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RewardModelSources.openForScoring(causal, 64));
        assertTrue(e.getMessage().contains("without a score head"), e.getMessage());
    }

    @Test
    void shouldRefuseAScoreHeadOfTheWrongShape() throws IOException {
        Path written = HfModelInit.writeRewardModel(tinyQwen3(), dir.resolve("init"), null, 0);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(written.resolve("config.json").toFile());
        config.putObject("id2label").put("0", "a").put("1", "b");
        json.writeValue(written.resolve("config.json").toFile(), config);
        RewardModelSource source = RewardModelSources.open(written, 64, null);
        HfFormatException e = assertThrows(HfFormatException.class, () -> source.create(base, 1));
        assertTrue(e.getMessage().contains("score.weight"), e.getMessage());
    }

    @Test
    void shouldRefuseSequencesBeyondTheContext() {
        Path written = HfModelInit.writeRewardModel(tinyQwen3(), dir.resolve("init"), null, 0);
        try (RewardModel model = RewardModelSources.openForScoring(written, 8).create(base, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.rewards(List.of(new int[9])));
            assertTrue(e.getMessage().contains("exceeds the context length 8"), e.getMessage());
        }
    }

    @Test
    void shouldPutAScoreHeadOnTheBuiltInGpt() throws IOException {
        GptFactory factory = new GptFactory(GptConfig.tiny(16));
        ObjectNode description = factory.describe().put("tokenizer", "char");
        Path checkpoint;
        try (Policy policy = factory.create(base)) {
            checkpoint = new CheckpointStore(dir.resolve("sft"), 1).describing(description).savePolicy(1, policy,
                    new ObjectMapper().createObjectNode());
        }
        RewardModelSource start = RewardModelSources.open(dir.resolve("sft"), 64, 0);
        assertEquals("gpt", start.architecture());
        assertFalse(start.hasScoreHead());
        assertEquals("char", start.tokenizer());
        float[] before;
        Path written;
        try (RewardModel model = start.create(base, 3)) {
            assertEquals(model.parameters().size() - 1, model.trainableParameters().size()); // the GPT's head
            before = model.rewards(ROWS);
            written = start.write(model, dir.resolve("rm"), SafetensorsDType.F32);
        }
        assertTrue(Files.isRegularFile(written.resolve(GptRewardModelSource.DESCRIPTION)));
        RewardModelSource back = RewardModelSources.openForScoring(written, 64);
        assertEquals("char", back.tokenizer());
        try (RewardModel model = back.create(base, 99)) {
            assertArrayEquals(before, model.rewards(ROWS), 0f);
        }
        assertTrue(Files.isDirectory(checkpoint));
    }
}
