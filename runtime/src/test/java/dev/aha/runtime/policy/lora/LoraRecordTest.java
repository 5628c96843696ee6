package dev.aha.runtime.policy.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** adapter.json: what it records comes back, and what this version did not write is refused in one line. */
class LoraRecordTest {

    private static final LoraRecord RECORD = new LoraRecord(new LoraSettings(8, 16, 0.05, List.of(),
            LoraInit.GAUSSIAN, true), List.of("q_proj", "v_proj"), List.of("model.layers.0.self_attn.q_proj",
            "model.layers.0.self_attn.v_proj"), new LoraBase("/models/q3", "ab".repeat(32)));

    @Test
    void aRecordRoundTripsWithItsTargetsSpelledOut() {
        LoraRecord back = LoraRecord.fromJson(RECORD.toJson(), "adapter.json");
        assertEquals(RECORD.targets(), back.targets());
        assertEquals(RECORD.modules(), back.modules());
        assertEquals(RECORD.base(), back.base());
        assertEquals(new LoraSettings(8, 16, 0.05, List.of("q_proj", "v_proj"), LoraInit.GAUSSIAN, true),
                back.settingsForLoad());
    }

    @Test
    void aRecordOfAnotherFormatOrWithAKeyMissingIsRefused() {
        ObjectNode other = RECORD.toJson().put("format", "aha-lora-0");
        assertEquals("checkpoint x is not an Aha adapter record (format aha-lora-0, expected aha-lora-1)",
                assertThrows(IllegalArgumentException.class, () -> LoraRecord.fromJson(other, "checkpoint x"))
                        .getMessage());
        ObjectNode missing = RECORD.toJson();
        missing.remove("rank");
        assertEquals("checkpoint x has no \"rank\"", assertThrows(IllegalArgumentException.class,
                () -> LoraRecord.fromJson(missing, "checkpoint x")).getMessage());
        ObjectNode badRank = RECORD.toJson().put("rank", -2);
        assertThrows(IllegalArgumentException.class, () -> LoraRecord.fromJson(badRank, "checkpoint x"));
    }
}
