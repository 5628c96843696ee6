package dev.aha.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.chat.ChatTemplate;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tool calls as Hugging Face chat models write them (Qwen3, Hermes): {@code <tool_call>{"name": ..., "arguments":
 * {...}}</tool_call>}, the turn ending on the closing tag. Observations are what the model's own chat template renders
 * after an assistant turn: a {@code tool} message for a result, a {@code user} message for the environment's reply,
 * then the opened assistant turn ({@code add_generation_prompt}, with the template's flags). The template is rendered
 * once at start-up around marker texts to learn that framing, so any template with a {@code tool} role works.
 */
public final class ChatTurnFormat implements TurnFormat {

    public static final String CALL_OPEN = "<tool_call>";
    public static final String CALL_CLOSE = "</tool_call>";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TURN_MARK = "AHA-ASSISTANT-TURN";
    private static final String OBSERVATION_MARK = "AHA-OBSERVATION";

    private final Tokenizer tokenizer;
    private final int closeId;
    private final String[] toolFrame;
    private final String[] userFrame;

    /**
     * @param flags the template's keyword flags, as the prompts were rendered with them (e.g. enable_thinking)
     * @throws IllegalArgumentException when {@code </tool_call>} is not one token or the template drops a marker
     */
    public ChatTurnFormat(ChatTemplate template, Map<String, Object> flags, Tokenizer tokenizer) {
        int[] close = tokenizer.encode(CALL_CLOSE);
        if (close.length != 1) {
            throw new IllegalArgumentException("tool calls need " + CALL_CLOSE + " to be one token of the vocabulary; "
                    + "it encodes to " + close.length + " tokens");
        }
        this.tokenizer = tokenizer;
        this.closeId = close[0];
        this.toolFrame = frame(template, flags, "tool");
        this.userFrame = frame(template, flags, "user");
    }

    /** What the template writes after an assistant turn and around a {@code role} message that follows it. */
    private static String[] frame(ChatTemplate template, Map<String, Object> flags, String role) {
        List<Map<String, Object>> messages = List.of(message("user", "Q"), message("assistant", TURN_MARK),
                message(role, OBSERVATION_MARK));
        String text = template.render(messages, true, flags);
        int turn = text.indexOf(TURN_MARK);
        int observation = text.indexOf(OBSERVATION_MARK, Math.max(0, turn));
        if (turn < 0 || observation < 0) {
            throw new IllegalArgumentException("the chat template does not render a '" + role
                    + "' message after an assistant turn as text around its content");
        }
        return new String[] {text.substring(turn + TURN_MARK.length(), observation),
                text.substring(observation + OBSERVATION_MARK.length())};
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }

    @Override
    public boolean endsTurn(int token) {
        return token == closeId;
    }

    @Override
    public String decode(int[] turn) {
        return tokenizer.decode(turn);
    }

    @Override
    public String callText(String turnText, boolean endedOnEndToken) {
        if (endedOnEndToken || !turnText.endsWith(CALL_CLOSE)) {
            return null;
        }
        int open = turnText.lastIndexOf(CALL_OPEN);
        return open < 0 ? "" : turnText.substring(open + CALL_OPEN.length(), turnText.length() - CALL_CLOSE.length());
    }

    @Override
    public ToolCall parse(String callText, Tool[] tools) throws MalformedCallException {
        JsonNode call;
        try {
            call = JSON.readTree(callText);
        } catch (Exception e) {
            throw new MalformedCallException("the tool call is not JSON: "
                    + CompactTurnFormat.abbreviate(String.valueOf(e.getMessage()).lines().findFirst().orElse("")));
        }
        if (call == null || !call.isObject() || !call.path("name").isTextual()) {
            throw new MalformedCallException("a tool call is {\"name\": ..., \"arguments\": {...}}");
        }
        JsonNode arguments = call.path("arguments");
        if (arguments.isTextual()) { // some models write the arguments as a JSON string
            try {
                arguments = JSON.readTree(arguments.asText());
            } catch (Exception e) {
                throw new MalformedCallException("the call's arguments are not a JSON object");
            }
        }
        if (arguments.isMissingNode() || arguments.isNull()) {
            arguments = JSON.createObjectNode();
        }
        if (!arguments.isObject()) {
            throw new MalformedCallException("the call's arguments are not a JSON object");
        }
        return new ToolCall(call.get("name").asText(), arguments);
    }

    @Override
    public boolean containsCall(String text) {
        return text.contains(CALL_OPEN) || text.contains(CALL_CLOSE);
    }

    @Override
    public int[] toolResult(String content, int[] turn, boolean endedOnEndToken) {
        return framed(toolFrame, content, turn, endedOnEndToken);
    }

    @Override
    public int[] reply(String content, int[] turn, boolean endedOnEndToken) {
        return framed(userFrame, content, turn, endedOnEndToken);
    }

    /** The frame's text around {@code content}, in ids; the end token the turn already sampled is not repeated. */
    private int[] framed(String[] frame, String content, int[] turn, boolean endedOnEndToken) {
        int[] ids = tokenizer.encode(frame[0] + content + frame[1]);
        if (endedOnEndToken && ids.length > 0 && turn.length > 0 && ids[0] == turn[turn.length - 1]) {
            return Arrays.copyOfRange(ids, 1, ids.length);
        }
        return ids;
    }
}
