package dev.aha.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A streamed answer's events: text as it grows, a tool call held back and sent whole as a tool_calls delta. */
class StreamChunksTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode data(String event) throws Exception {
        assertTrue(event.startsWith("data: ") && event.endsWith("\n\n"), event);
        return JSON.readTree(event.substring(6));
    }

    private static String shown(List<String> events) throws Exception {
        StringBuilder s = new StringBuilder();
        for (String e : events) {
            if (e.equals("data: [DONE]\n\n")) {
                continue;
            }
            s.append(data(e).at("/choices/0/delta/content").asText(""));
        }
        return s.toString();
    }

    private static Generator.Generation generation(String text, boolean finished) {
        return new Generator.Generation(9, new int[] {1, 2, 3}, text, finished);
    }

    @Test
    void aToolCallIsHeldBackAndSentAsToolCalls() throws Exception {
        StreamChunks chunks = new StreamChunks(true, "chatcmpl-4", "m", false);
        JsonNode first = data(chunks.start().get(0));
        assertEquals("assistant", first.at("/choices/0/delta/role").asText());
        assertEquals("chat.completion.chunk", first.path("object").asText());
        assertEquals("Let me ", shown(chunks.text("Let me ")));
        assertEquals("compute.\n", shown(chunks.text("compute.\n<tool")), "'<tool' may open a call: held");
        String call = "_call>\n{\"name\": \"calculator\", \"arguments\": {\"expression\": \"2*3\"}}\n</tool_call>";
        assertEquals(List.of(), chunks.text(call));
        List<String> end = chunks.end(generation("Let me compute.\n<tool" + call, false));
        assertEquals(3, end.size(), "" + end);
        JsonNode calls = data(end.get(0)).at("/choices/0/delta/tool_calls");
        assertEquals(0, calls.get(0).path("index").asInt());
        assertEquals("call_chatcmpl-4_0", calls.get(0).path("id").asText());
        assertEquals("calculator", calls.get(0).at("/function/name").asText());
        assertEquals("{\"expression\":\"2*3\"}", calls.get(0).at("/function/arguments").asText());
        assertEquals("tool_calls", data(end.get(1)).at("/choices/0/finish_reason").asText());
        assertEquals("data: [DONE]\n\n", end.get(2));
    }

    @Test
    void whatOnlyLookedLikeACallIsShownAfterAll() throws Exception {
        StreamChunks chunks = new StreamChunks(true, "c", "m", false);
        List<String> events = new ArrayList<>(chunks.text("a <to"));
        assertEquals("a ", shown(events));
        events.addAll(chunks.text("p b"));
        assertEquals("a <top b", shown(events));
        events.addAll(chunks.text(" <tool_call>{\"name\": </tool_call> c"));
        List<String> end = chunks.end(generation("a <top b <tool_call>{\"name\": </tool_call> c", true));
        events.addAll(end);
        assertEquals("a <top b <tool_call>{\"name\": </tool_call> c", shown(events), "a malformed call is text");
        assertEquals("stop", data(end.get(end.size() - 2)).at("/choices/0/finish_reason").asText());
    }

    @Test
    void aCompletionStreamsTextAndMayEndWithItsUsage() throws Exception {
        StreamChunks chunks = new StreamChunks(false, "cmpl-2", "m", true);
        assertEquals(List.of(), chunks.start());
        JsonNode piece = data(chunks.text("<tool").get(0));
        assertEquals("text_completion", piece.path("object").asText());
        assertEquals("<tool", piece.at("/choices/0/text").asText(), "a completion holds nothing back");
        List<String> end = chunks.end(generation("<tool", false));
        assertEquals("length", data(end.get(0)).at("/choices/0/finish_reason").asText());
        JsonNode usage = data(end.get(1));
        assertEquals(0, usage.path("choices").size());
        assertEquals(12, usage.at("/usage/total_tokens").asInt());
        assertEquals("data: [DONE]\n\n", end.get(2));
    }
}
