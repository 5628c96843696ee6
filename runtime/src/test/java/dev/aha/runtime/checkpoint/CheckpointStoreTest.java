package dev.aha.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptPolicy;
import dev.aha.runtime.policy.hf.SmallPieces;
import dev.aha.runtime.sft.SftExample;
import dev.aha.runtime.sft.SupervisedFineTuner;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

    private static final int VOCAB = 16;
    private static final ObjectMapper JSON = new ObjectMapper();
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

    /** Tensors past 2 GiB are saved and loaded a piece of rows at a time; small pieces stand in for them here. */
    @Test
    void shouldSaveAndLoadWeightsAndMomentsInPiecesBitForBit() {
        GptConfig config = GptConfig.tiny(VOCAB);
        try (GptPolicy policy = GptPolicy.create(config, base);
                AdamW adam = new AdamW(policy.parameters(), AdamWSettings.defaults(1e-2), base)) {
            new SupervisedFineTuner(policy, adam, 0).step(BATCH);
            Path saved;
            try (SmallPieces small = SmallPieces.of(96)) {
                saved = new CheckpointStore(dir, 2).save(1, policy, adam, JSON.createObjectNode());
            }
            for (boolean pieces : new boolean[] {false, true}) {
                try (GptPolicy restored = GptPolicy.create(new GptConfig(VOCAB, 96, 64, 2, 4, 4, 5L), base);
                        AdamW restoredAdam = new AdamW(restored.parameters(), AdamWSettings.defaults(1e-2), base);
                        SmallPieces small = SmallPieces.of(pieces ? 96 : 1L << 30)) {
                    CheckpointStore.load(saved, restored, restoredAdam);
                    assertTrue(policy.exportWeights().contentEquals(restored.exportWeights()), "pieces " + pieces);
                    for (int i = 0; i < adam.moments().size(); i++) {
                        assertArrayEquals(adam.moments().get(i).toFloatArray(),
                                restoredAdam.moments().get(i).toFloatArray(), "moment " + i + ", pieces " + pieces);
                    }
                }
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

    @Test
    void shouldPruneByStepNumberNotByName() throws Exception {
        try (GptPolicy policy = GptPolicy.create(GptConfig.tiny(VOCAB), base)) {
            CheckpointStore store = new CheckpointStore(dir, 2);
            for (long step : new long[] {999_998, 999_999, 1_000_000}) {
                store.savePolicy(step, policy, JSON.createObjectNode());
            }
            // as text, step-1000000 sorts first and would be pruned as the oldest
            assertEquals(List.of("latest", "step-1000000", "step-999999"), names(dir));
            assertTrue(store.latest().orElseThrow().endsWith("step-1000000"));
            store.savePolicy(1_000_001, policy, JSON.createObjectNode());
            assertEquals(List.of("latest", "step-1000000", "step-1000001"), names(dir));
        }
    }

    @Test
    void shouldOrderStepFoldersAsNumbersThenByTheSuffixOfASecondSave() {
        List<String> names = new ArrayList<>(List.of("step-1000000", "step-999999.1", "step-999999", "step-000005.10",
                "step-000005.9", "step-12", "step-000005"));
        names.sort(StepFolders.OLDEST_FIRST);
        assertEquals(List.of("step-000005", "step-000005.9", "step-000005.10", "step-12", "step-999999",
                "step-999999.1", "step-1000000"), names);
    }

    @Test
    void shouldNeverPruneTheCheckpointLatestNames() throws Exception {
        try (GptPolicy policy = GptPolicy.create(GptConfig.tiny(VOCAB), base)) {
            CheckpointStore store = new CheckpointStore(dir, 2);
            store.savePolicy(10, policy, JSON.createObjectNode());
            store.savePolicy(11, policy, JSON.createObjectNode());
            Path restarted = store.savePolicy(0, policy, JSON.createObjectNode()); // a run started again, same folder
            assertEquals(restarted, store.latest().orElseThrow());
            assertEquals(List.of("latest", "step-000000", "step-000011"), names(dir));
        }
    }

    @Test
    void shouldLeaveThePolicyAsItWasWhenACheckpointIsRefused() {
        try (GptPolicy saved = GptPolicy.create(GptConfig.tiny(VOCAB), base);
                GptPolicy other = GptPolicy.create(new GptConfig(VOCAB, 96, 64, 2, 4, 4, 99L), base);
                AdamW adam = new AdamW(other.parameters(), AdamWSettings.defaults(1e-3), base)) {
            Path policyAlone = new CheckpointStore(dir, 1).savePolicy(1, saved, JSON.createObjectNode());
            FlatWeights before = other.exportWeights();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CheckpointStore.load(policyAlone, other, adam));
            assertTrue(e.getMessage().contains("holds a policy alone"), e.getMessage());
            assertTrue(before.contentEquals(other.exportWeights()), "a refused checkpoint must not touch the weights");
        }
    }

    @Test
    void shouldLoadACheckpointThatDjlsEncoderWrote() throws Exception {
        GptConfig config = GptConfig.tiny(VOCAB);
        try (GptPolicy policy = GptPolicy.create(config, base);
                AdamW adam = new AdamW(policy.parameters(), AdamWSettings.defaults(1e-2), base)) {
            new SupervisedFineTuner(policy, adam, 0).step(BATCH);
            // the files as earlier versions wrote them: NDList.encode(SAFETENSORS), with checksums in state.json
            Path old = dir.resolve("step-000001");
            Files.createDirectories(old);
            ObjectNode files = JSON.createObjectNode();
            encodeWithDjl(old, "policy.safetensors", StoredTensor.weights(policy), files);
            encodeWithDjl(old, "optimizer.safetensors", StoredTensor.moments(policy, adam), files);
            ObjectNode state = JSON.createObjectNode().put("format", CheckpointStore.FORMAT).put("step", 1)
                    .put("optimizer_steps", adam.steps());
            state.putObject("run").put("version", 1);
            state.set("files", files);
            Files.writeString(old.resolve("state.json"), state.toString());

            try (GptPolicy restored = GptPolicy.create(new GptConfig(VOCAB, 96, 64, 2, 4, 4, 5L), base);
                    AdamW restoredAdam = new AdamW(restored.parameters(), AdamWSettings.defaults(1e-2), base)) {
                assertEquals(1, CheckpointStore.load(old, restored, restoredAdam).get("version").asInt());
                assertTrue(policy.exportWeights().contentEquals(restored.exportWeights()));
                assertEquals(1, restoredAdam.steps());
                for (int i = 0; i < adam.moments().size(); i++) {
                    assertArrayEquals(adam.moments().get(i).toFloatArray(),
                            restoredAdam.moments().get(i).toFloatArray(), 0f, "moment " + i);
                }
            }
        }
    }

    @Test
    void aFailedSaveLeavesNoTemporaryFolderBehind() throws Exception {
        try (NDManager scope = base.newSubManager()) {
            NDArray a = scope.ones(new Shape(4));
            List<StoredTensor> twice = List.of(new StoredTensor("w", a), new StoredTensor("w", a));
            assertThrows(IllegalArgumentException.class, () -> CheckpointWriter.write(dir, "step-000001",
                    new CheckpointWriter.Contents(1, twice, null, 0, null, JSON.createObjectNode())));
            assertEquals(List.of(), names(dir));
        }
    }

    private static void encodeWithDjl(Path dir, String name, List<StoredTensor> tensors, ObjectNode files)
            throws Exception {
        NDList list = new NDList();
        for (StoredTensor t : tensors) {
            NDArray copy = t.array().duplicate();
            copy.setName(t.name());
            list.add(copy);
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve(name))) {
            list.encode(out, NDList.Encoding.SAFETENSORS);
        } finally {
            list.close();
        }
        files.putObject(name).put("bytes", Files.size(dir.resolve(name)))
                .put("crc32c", CheckpointFiles.crc32c(dir.resolve(name)));
    }

    private static List<String> names(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
