package dev.aha.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.hf.HfModelInit;
import dev.aha.runtime.policy.hf.SafetensorsFile;
import dev.aha.runtime.policy.lora.LoraInit;
import dev.aha.runtime.policy.lora.LoraPolicy;
import dev.aha.runtime.policy.lora.LoraSettings;
import dev.aha.runtime.sft.SftExample;
import dev.aha.runtime.sft.SupervisedFineTuner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint of LoRA adapters: the adapters and their moments alone, adapter.json naming the base; a resume
 * restores them exactly, and one onto another rank, another base or a whole policy is refused in one line.
 */
class CheckpointLoraTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<SftExample> BATCH = List.of(new SftExample(new int[] {5, 9}, new int[] {7, 8, 1}),
            new SftExample(new int[] {4}, new int[] {6, 1}));
    private static final LoraSettings RANK_4 = new LoraSettings(4, 8, 0, List.of("q_proj", "down_proj"),
            LoraInit.PEFT_DEFAULT, false);

    @TempDir
    static Path tmp;

    private static HfModel model;
    private static HfModel otherWeights;
    private NDManager base;

    @BeforeAll
    static void models() {
        model = tiny("q3", 5);
        otherWeights = tiny("q3-other", 6);
    }

    private static HfModel tiny(String name, long seed) {
        return HfModel.open(HfModelInit.write(HfModelInit.Spec.of("qwen3", 32, 2, 4, 2, 64, 64, false, seed),
                tmp.resolve(name), null), 64);
    }

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        base = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        base.close();
    }

    private LoraPolicy adapted(HfModel on, LoraSettings settings, long seed) {
        return LoraPolicy.over(on.create(base), settings, on.directory().toString(), seed);
    }

    /** Two SFT steps on rank-4 adapters, saved with their moments. */
    private Path trained(Path root) {
        try (LoraPolicy lora = adapted(model, RANK_4, 1);
                AdamW adam = new AdamW(lora.parameters(), AdamWSettings.defaults(1e-2), base)) {
            SupervisedFineTuner sft = new SupervisedFineTuner(lora, adam, 0);
            sft.step(BATCH);
            sft.step(BATCH);
            return new CheckpointStore(root, 1).save(2, lora, adam, JSON.createObjectNode().put("step", 2));
        }
    }

    @Test
    void adaptersAndTheirMomentsRoundTripExactly() throws Exception {
        try (LoraPolicy lora = adapted(model, RANK_4, 1);
                AdamW adam = new AdamW(lora.parameters(), AdamWSettings.defaults(1e-2), base)) {
            SupervisedFineTuner sft = new SupervisedFineTuner(lora, adam, 0);
            sft.step(BATCH);
            sft.step(BATCH);
            Path saved = new CheckpointStore(tmp.resolve("round-trip"), 1).save(2, lora, adam,
                    JSON.createObjectNode().put("step", 2));

            try (SafetensorsFile weights = SafetensorsFile.open(saved.resolve("policy.safetensors"));
                    SafetensorsFile moments = SafetensorsFile.open(saved.resolve("optimizer.safetensors"))) {
                assertEquals(new TreeSet<>(lora.layout().names()), new TreeSet<>(weights.header().entries().keySet()),
                        "the adapters alone");
                assertTrue(weights.header().entries().containsKey("model.layers.1.mlp.down_proj.lora_B.weight"));
                assertEquals(2 * lora.layout().size(), moments.header().entries().size());
            }
            JsonNode record = JSON.readTree(saved.resolve("adapter.json").toFile());
            assertEquals(4, record.get("rank").asInt());
            assertEquals(model.directory().toString(), record.get("base").get("model").asText());
            assertEquals(lora.baseModel().sha256(), record.get("base").get("sha256").asText());
            assertEquals(64, record.get("base").get("sha256").asText().length());
            assertTrue(JSON.readTree(saved.resolve("state.json").toFile()).get("files").has("adapter.json"),
                    "adapter.json is checksummed with the rest");

            try (LoraPolicy restored = adapted(model, RANK_4, 99);
                    AdamW restoredAdam = new AdamW(restored.parameters(), AdamWSettings.defaults(1e-2), base)) {
                ObjectNode run = CheckpointStore.load(saved, restored, restoredAdam);
                assertEquals(2, run.get("step").asInt());
                assertEquals(2, restoredAdam.steps());
                assertTrue(lora.exportWeights().contentEquals(restored.exportWeights()), "bit for bit");
                float next = sft.step(BATCH);
                float restoredNext = new SupervisedFineTuner(restored, restoredAdam, 0).step(BATCH);
                assertEquals(next, restoredNext, 0f, "same adapters and moments: the same next step");
                assertTrue(lora.exportWeights().contentEquals(restored.exportWeights()));
            }
        }
    }

    @Test
    void aResumeWithAnotherRankIsRefused() {
        Path saved = trained(tmp.resolve("rank"));
        try (LoraPolicy rank8 = adapted(model, new LoraSettings(8, 8, 0, RANK_4.targets(), LoraInit.PEFT_DEFAULT,
                false), 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CheckpointStore.load(saved, rank8, null));
            assertEquals("checkpoint " + saved + " holds adapters of rank 4, the policy's have rank 8 "
                    + "(aha.lora.rank): a resume keeps the rank", e.getMessage());
        }
        try (LoraPolicy otherTargets = adapted(model, new LoraSettings(4, 8, 0, List.of("v_proj"),
                LoraInit.PEFT_DEFAULT, false), 1)) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> CheckpointStore.load(saved, otherTargets,
                    null)).getMessage().contains("a resume keeps aha.lora.targets"));
        }
    }

    @Test
    void adaptersOntoAnotherBaseAreRefused() {
        Path saved = trained(tmp.resolve("base"));
        try (LoraPolicy elsewhere = adapted(otherWeights, RANK_4, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CheckpointStore.load(saved, elsewhere, null));
            assertTrue(e.getMessage().startsWith("checkpoint " + saved + "'s adapters were trained on another base: "
                    + model.directory()), e.getMessage());
            assertTrue(e.getMessage().endsWith("(a different model, or changed since)"), e.getMessage());
        }
        // The same directory with one weight changed since: its hash differs.
        try (Policy changed = model.create(base)) {
            changed.parameters().get(3).array().set(new ai.djl.ndarray.index.NDIndex("0, 0"), 0.5f);
            try (LoraPolicy drifted = LoraPolicy.over(changed, RANK_4, model.directory().toString(), 1)) {
                assertThrows(IllegalArgumentException.class, () -> CheckpointStore.load(saved, drifted, null));
            }
        }
    }

    @Test
    void aCorruptAdapterRecordIsRefusedBeforeItIsRead() throws Exception {
        Path saved = trained(tmp.resolve("corrupt"));
        String text = Files.readString(saved.resolve("adapter.json"));
        Files.writeString(saved.resolve("adapter.json"), text.replace("\"rank\" : 4", "\"rank\" : 8"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CheckpointStore.adapters(saved));
        assertTrue(e.getMessage().startsWith("checkpoint " + saved + ": adapter.json is corrupt (CRC32C "),
                e.getMessage());
        // A record that state.json does not list (nothing to check it against) is still read as JSON, or refused.
        try (Policy whole = model.create(base)) {
            Path unlisted = new CheckpointStore(tmp.resolve("unlisted"), 1).savePolicy(0, whole,
                    JSON.createObjectNode());
            Files.writeString(unlisted.resolve("adapter.json"), "{\"rank\": ");
            assertTrue(assertThrows(IllegalArgumentException.class, () -> CheckpointStore.adapters(unlisted))
                    .getMessage().startsWith("checkpoint " + unlisted + ": adapter.json is not valid JSON ("));
        }
    }

    @Test
    void adaptersAndWholePoliciesDoNotLoadIntoEachOther() {
        Path adapters = trained(tmp.resolve("adapters"));
        try (Policy whole = model.create(base)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CheckpointStore.load(adapters, whole, null));
            assertTrue(e.getMessage().startsWith("checkpoint " + adapters + " holds LoRA adapters (rank 4 on "),
                    e.getMessage());
            Path wholeCheckpoint = new CheckpointStore(tmp.resolve("whole"), 1).savePolicy(0, whole,
                    JSON.createObjectNode());
            assertTrue(Files.isRegularFile(wholeCheckpoint.resolve("policy.safetensors")));
            assertTrue(Files.notExists(wholeCheckpoint.resolve("adapter.json")));
            try (LoraPolicy lora = adapted(model, RANK_4, 1)) {
                IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                        () -> CheckpointStore.load(wholeCheckpoint, lora, null));
                assertEquals("checkpoint " + wholeCheckpoint + " holds a whole policy, no LoRA adapters (it was saved "
                        + "with aha.lora.rank = 0): it cannot resume a LoRA run", refused.getMessage());
            }
        }
        assertEquals(4, CheckpointStore.adapters(adapters).orElseThrow().settings().rank());
    }
}
