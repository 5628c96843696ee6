package dev.aha.actors.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.aha.actors.config.RunConfig;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.SnapshotLabel;
import dev.aha.protocol.weights.WeightSnapshot;
import dev.aha.protocol.weights.WireDtype;
import dev.aha.runtime.backend.TorchRolloutEngine;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.lora.LoraApply;
import dev.aha.runtime.policy.lora.LoraLabels;
import dev.aha.runtime.policy.lora.LoraPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A LoRA rollout's weights as they arrive, on the real engine: adapters that come before the base wait for it,
 * adapters of another base are refused in one line, a whole policy is refused by a replica that takes adapters.
 */
class PendingWeightsTest {

    private static final String LORA = "aha.lora { rank = 4, alpha = 8, targets = [wqkv, w2] }\n";

    private static WeightSnapshot snapshot(long version, FlatWeights weights, SnapshotLabel label) {
        return new WeightSnapshot(version, weights.asReadOnly(), 0, WireDtype.F32, label);
    }

    @Test
    void adaptersWaitForTheirBaseAndAnotherBasesAreRefused() {
        RunConfig config = PipelineFixture.config(LORA);
        ComputeThreads.prepare(1);
        FlatWeights base;
        FlatWeights adapters;
        SnapshotLabel label;
        try (NDManager m = NDManager.newBaseManager();
                LoraPolicy lora = LoraPolicy.over(config.policy().create(m), config.lora(), "gpt", 3)) {
            base = lora.base().exportWeights();
            adapters = lora.exportWeights();
            label = LoraLabels.adapters(lora);
        }
        List<String> refused = new ArrayList<>();
        PendingWeights pending = new PendingWeights();
        try (TorchRolloutEngine engine = new TorchRolloutEngine(config.policy(), Device.cpu(), DataType.FLOAT32, 4, 1,
                config.sampling(), 40, new int[] {1}, config.lora(), LoraApply.MERGED)) {
            pending.offer(snapshot(0, adapters, label), 100, -1);
            assertEquals(-1, pending.apply(engine, true, -1, refused::add), "no base yet: the adapters wait");
            assertTrue(pending.holdsAdmission(false));

            pending.offer(snapshot(0, base, SnapshotLabel.loraBase(label.baseSha256())), 200, -1);
            assertTrue(pending.holdsAdmission(true), "a base waits for the engine to drain");
            assertEquals(0, pending.apply(engine, true, -1, refused::add), "the base, then the adapters waiting");
            assertEquals(100, pending.appliedReceivedMicros());
            assertFalse(pending.holdsAdmission(false));

            SnapshotLabel otherBase = SnapshotLabel.loraAdapters("ee".repeat(32), label.layoutSha256());
            pending.offer(snapshot(1, adapters, otherBase), 300, 0);
            assertEquals(0, pending.apply(engine, true, 0, refused::add), "refused: the replica stays at v0");
            pending.offer(snapshot(2, base, SnapshotLabel.full()), 400, 0);
            assertEquals(0, pending.apply(engine, true, 0, refused::add));
            assertEquals(2, refused.size(), refused.toString());
            assertTrue(refused.get(0).startsWith("refusing LoRA adapters of version 1: they were trained on the base "
                    + "of SHA-256 eeeeeeeeeeee..., this rollout holds the base of SHA-256 "), refused.get(0));
            assertEquals("refusing a whole policy of version 2: this rollout takes a LoRA base and adapters "
                    + "(aha.lora.rank 4): every node must share aha.lora", refused.get(1));
        }
    }
}
