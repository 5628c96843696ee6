package dev.aha.app.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.agent.ChatTurnFormat;

/**
 * A generated assistant turn as OpenAI's chat message: the text before the first {@code <tool_call>} as its content,
 * each well-formed {@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>} as a {@code tool_calls} entry
 * (arguments as a JSON string, as the API has them). A call that is not JSON stays in the content as text.
 */
final class ToolCallText {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolCallText() {}

    /** The assistant message for {@code text}; its calls are named {@code call_<callIdPrefix>_<i>}. */
    static ObjectNode message(String text, String callIdPrefix) {
        ObjectNode message = JSON.createObjectNode().put("role", "assistant");
        ArrayNode calls = JSON.createArrayNode();
        int first = -1;
        int from = 0;
        while (true) {
            int open = text.indexOf(ChatTurnFormat.CALL_OPEN, from);
            int close = open < 0 ? -1 : text.indexOf(ChatTurnFormat.CALL_CLOSE, open);
            if (close < 0) {
                break;
            }
            JsonNode call = parse(text.substring(open + ChatTurnFormat.CALL_OPEN.length(), close));
            if (call != null) {
                first = first < 0 ? open : first;
                JsonNode arguments = call.path("arguments");
                String id = "call_" + callIdPrefix + "_" + calls.size();
                ObjectNode entry = calls.addObject().put("id", id).put("type", "function");
                entry.putObject("function").put("name", call.get("name").asText())
                        .put("arguments", arguments.isTextual() ? arguments.asText()
                                : arguments.isMissingNode() ? "{}" : arguments.toString());
            }
            from = close + ChatTurnFormat.CALL_CLOSE.length();
        }
        String content = first < 0 ? text : text.substring(0, first).strip();
        if (calls.isEmpty()) {
            message.put("content", content);
        } else {
            if (content.isEmpty()) {
                message.putNull("content");
            } else {
                message.put("content", content);
            }
            message.set("tool_calls", calls);
        }
        return message;
    }

    /** Where the first well-formed call of {@code text} begins, or its length when it has none. */
    static int firstCall(String text) {
        int from = 0;
        while (true) {
            int open = text.indexOf(ChatTurnFormat.CALL_OPEN, from);
            int close = open < 0 ? -1 : text.indexOf(ChatTurnFormat.CALL_CLOSE, open);
            if (close < 0) {
                return text.length();
            }
            if (parse(text.substring(open + ChatTurnFormat.CALL_OPEN.length(), close)) != null) {
                return open;
            }
            from = close + ChatTurnFormat.CALL_CLOSE.length();
        }
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode call = JSON.readTree(json);
            return call != null && call.isObject() && call.path("name").isTextual() ? call : null;
        } catch (Exception e) {
            return null;
        }
    }
}
