package dev.aha.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ToolCallTextTest {

    @Test
    void callsBecomeToolCallsWithTheirArgumentsAsAJsonString() {
        ObjectNode m = ToolCallText.message("<think>\nneed it\n</think>\n\nLet me compute.\n<tool_call>\n"
                + "{\"name\": \"calculator\", \"arguments\": {\"expression\": \"2*3\"}}\n</tool_call>", "7");
        assertEquals("<think>\nneed it\n</think>\n\nLet me compute.", m.get("content").asText());
        assertEquals("calculator", m.at("/tool_calls/0/function/name").asText());
        assertEquals("{\"expression\":\"2*3\"}", m.at("/tool_calls/0/function/arguments").asText());
        assertEquals("call_7_0", m.at("/tool_calls/0/id").asText());
    }

    @Test
    void aMalformedCallStaysText() {
        String text = "<tool_call>{\"name\": </tool_call>";
        ObjectNode m = ToolCallText.message(text, "1");
        assertFalse(m.has("tool_calls"));
        assertEquals(text, m.get("content").asText());
    }

    @Test
    void aCallAloneHasNullContent() {
        ObjectNode m = ToolCallText.message("<tool_call>{\"name\": \"f\"}</tool_call>", "1");
        assertTrue(m.get("content").isNull());
        assertEquals("{}", m.at("/tool_calls/0/function/arguments").asText());
    }
}
