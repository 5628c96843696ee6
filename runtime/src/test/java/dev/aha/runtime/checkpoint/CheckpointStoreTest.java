package dev.aha.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptPolicy;
import dev.aha.runtime.sft.SftExample;
import dev.aha.runtime.sft.SupervisedFineTuner;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

    private static final int VOCAB = 16;
    private static final List<SftExample> BATCH = List.of(
            new SftExample(new int[] {3, 4, 5}, new int[] {6, 7, 1}), new SftExample(new int[] {8}, new int[] {9, 1}));

    @TempDir
    Path dir;

    private NDManager base;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        base = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        base.close();
    }

    @Test
    void shouldRestoreWeightsOptimiserStateAndRunCountersExactly() {
        GptConfig config = GptConfig.tiny(VOCAB);
        try (GptPolicy policy = GptPolicy.create(config, base);
                AdamW adam = new AdamW(policy.parameters(), AdamWSettings.defaults(1e-2), base)) {
            SupervisedFineTuner sft = new SupervisedFineTuner(policy, adam, 0);
            sft.step(BATCH);
            sft.step(BATCH);
            ObjectNode run = new ObjectMapper().createObjectNode().put("step", 2).put("version", 2);
            CheckpointStore store = new CheckpointStore(dir, 2);
            Path saved = store.save(2, policy, adam, run);
            assertEquals(saved, store.latest().orElseThrow());
            FlatWeights weightsAtSave = policy.exportWeights();
            float nextLoss = sft.step(BATCH);
            FlatWeights weightsAfterThree = policy.exportWeights();

            try (GptPolicy restored = GptPolicy.create(
                            new GptConfig(VOCAB, 96, 64, 2, 4, 4, 123L), base);
                    AdamW restoredAdam = new AdamW(restored.parameters(), AdamWSettings.defaults(1e-2), base)) {
                ObjectNode back = CheckpointStore.load(saved, restored, restoredAdam);
                assertEquals(2, back.get("version").asInt());
                assertEquals(2, restoredAdam.steps());
                assertTrue(weightsAtSave.contentEquals(restored.exportWeights()), "weights must match bit for bit");
                // same weights and same moments: the next step must land on the same weights as the original's
                float restoredLoss = new SupervisedFineTuner(restored, restoredAdam, 0).step(BATCH);
                assertEquals(nextLoss, restoredLoss, 0f);
                assertTrue(weightsAfterThree.contentEquals(restored.exportWeights()));
            }
        }
    }

    @Test
    void shouldKeepTheNewestCheckpointsAndPointLatestAtTheLast() throws Exception {
        try (GptPolicy policy = GptPolicy.create(GptConfig.tiny(VOCAB), base);
                AdamW adam = new AdamW(policy.parameters(), AdamWSettings.defaults(1e-3), base)) {
            CheckpointStore store = new CheckpointStore(dir, 2);
            ObjectNode run = new ObjectMapper().createObjectNode();
            for (long step = 1; step <= 4; step++) {
                store.save(step, policy, adam, run);
            }
            try (var files = Files.list(dir)) {
                List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
                assertEquals(List.of("latest", "step-000003", "step-000004"), names);
            }
            assertTrue(store.latest().orElseThrow().endsWith("step-000004"));
        }
    }

    @Test
    void shouldRefuseACheckpointOfAnotherShapeWithAClearMessage() {
        try (GptPolicy small = GptPolicy.create(GptConfig.tiny(VOCAB), base);
                AdamW adam = new AdamW(small.parameters(), AdamWSettings.defaults(1e-3), base);
                GptPolicy wide = GptPolicy.create(new GptConfig(VOCAB, 96, 32, 2, 4, 4, 1L), base)) {
            Path saved = new CheckpointStore(dir, 1).save(1, small, adam, new ObjectMapper().createObjectNode());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CheckpointStore.load(saved, wide, null));
            assertTrue(e.getMessage().contains("wte has shape"), e.getMessage());
            assertNotEquals(small.exportWeights(), wide.exportWeights());
        }
    }
}
