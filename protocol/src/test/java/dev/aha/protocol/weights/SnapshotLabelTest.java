package dev.aha.protocol.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What a label may say of each kind, and the stream ids it travels on. */
class SnapshotLabelTest {

    private static final String SHA = "9f".repeat(32);

    @Test
    void shouldTakeExactlyTheDigestsItsKindCarries() {
        assertEquals(SnapshotKind.LORA_BASE, SnapshotLabel.loraBase(SHA).kind());
        assertThrows(IllegalArgumentException.class, () -> SnapshotLabel.loraBase(""));
        assertThrows(IllegalArgumentException.class, () -> SnapshotLabel.loraBase(SHA.toUpperCase()));
        assertThrows(IllegalArgumentException.class, () -> SnapshotLabel.loraAdapters(SHA, ""));
        assertThrows(IllegalArgumentException.class, () -> new SnapshotLabel(SnapshotKind.FULL, SHA, ""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SnapshotLabel.loraAdapters(SHA, SHA.substring(1)));
        assertTrue(e.getMessage().startsWith("the label of LoRA adapters carries the base's SHA-256 and the layout's"),
                e.getMessage());
        assertEquals("9f9f9f9f9f9f...", SnapshotLabel.abbreviated(SHA));
    }

    @Test
    void shouldPutAdaptersOnStreamsOfTheirOwnAsFloat32() {
        WeightPlaneSettings s = PlaneFixture.ipc().withWireDtype(WireDtype.BF16);
        WeightPlaneSettings adapters = s.forAdapters();
        assertEquals(s.adapterStreamId(), adapters.dataStreamId());
        assertEquals(s.adapterControlStreamId(), adapters.controlStreamId());
        assertEquals(WireDtype.F32, adapters.wireDtype());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlaneFixture.settings(
                WeightPlaneSettings.Transport.IPC, "adapter-stream-id = 1001"));
        assertTrue(e.getMessage().contains("must differ"), e.getMessage());
    }
}
