package dev.aha.app.serve;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@code /v1/chat/completions} or {@code /v1/completions} body asks for, checked: the messages (or prompt),
 * the tools, and the sampling. Anything it cannot honour is a {@link BadRequest} naming the field.
 *
 * @param messages the conversation as the chat template takes it (content always a string)
 * @param prompt a completion's prompt text (null for a chat)
 * @param tools the tools, as the chat template's {@code tools} (null for none)
 * @param maxTokens most tokens to generate, or 0 for the server's default
 * @param temperature the sampling temperature, or NaN for the server's default (0: greedy)
 * @param topP nucleus mass, or NaN for the server's default
 * @param seed fixes the draws
 * @param stream whether the answer streams as server-sent events
 * @param streamUsage whether a streamed answer ends with a usage chunk ({@code stream_options.include_usage})
 */
record ChatRequest(List<Map<String, Object>> messages, String prompt, List<Object> tools, int maxTokens,
        double temperature, double topP, long seed, boolean stream, boolean streamUsage) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ChatRequest chat(String body) {
        JsonNode root = root(body);
        JsonNode messages = root.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw new BadRequest("'messages' must be a non-empty array");
        }
        List<Map<String, Object>> turns = new ArrayList<>();
        for (JsonNode m : messages) {
            if (!m.isObject() || !m.path("role").isTextual()) {
                throw new BadRequest("each message needs a 'role'");
            }
            Map<String, Object> turn = JSON.convertValue(m, new TypeReference<LinkedHashMap<String, Object>>() {});
            turn.put("content", text(m.path("content")));
            turns.add(turn);
        }
        List<Object> tools = null;
        if (root.path("tools").isArray() && !root.path("tools").isEmpty()) {
            tools = JSON.convertValue(root.get("tools"), new TypeReference<List<Object>>() {});
        }
        return sampling(root, turns, null, tools);
    }

    static ChatRequest completion(String body) {
        JsonNode root = root(body);
        if (!root.path("prompt").isTextual()) {
            throw new BadRequest("'prompt' must be a string");
        }
        return sampling(root, null, root.get("prompt").asText(), null);
    }

    private static ChatRequest sampling(JsonNode root, List<Map<String, Object>> messages, String prompt,
            List<Object> tools) {
        JsonNode stream = root.path("stream");
        if (!stream.isMissingNode() && !stream.isNull() && !stream.isBoolean()) {
            throw new BadRequest("'stream' must be true or false");
        }
        JsonNode options = root.path("stream_options");
        if (!options.isMissingNode() && !options.isNull() && (!options.isObject() || !stream.asBoolean(false))) {
            throw new BadRequest("'stream_options' is an object, and only for 'stream': true");
        }
        if (root.path("n").asInt(1) != 1) {
            throw new BadRequest("'n' must be 1");
        }
        JsonNode max = root.has("max_completion_tokens") ? root.get("max_completion_tokens") : root.path("max_tokens");
        int maxTokens = max.isMissingNode() || max.isNull() ? 0 : max.asInt(-1);
        if (maxTokens < 0 || (!max.isMissingNode() && !max.isNull() && maxTokens == 0)) {
            throw new BadRequest("'max_tokens' must be a positive integer");
        }
        double temperature = number(root, "temperature", 0, 2);
        double topP = number(root, "top_p", 0, 1);
        if (topP == 0) {
            throw new BadRequest("'top_p' must be in (0, 1]");
        }
        long seed = root.path("seed").asLong(1);
        return new ChatRequest(messages, prompt, tools, maxTokens, temperature, topP, seed, stream.asBoolean(false),
                options.path("include_usage").asBoolean(false));
    }

    private static double number(JsonNode root, String field, double min, double max) {
        JsonNode n = root.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return Double.NaN;
        }
        if (!n.isNumber() || n.asDouble() < min || n.asDouble() > max) {
            throw new BadRequest("'" + field + "' must be a number in [" + min + ", " + max + "]");
        }
        return n.asDouble();
    }

    private static JsonNode root(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception e) {
            throw new BadRequest("the body is not JSON: " + String.valueOf(e.getMessage()).lines().findFirst()
                    .orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new BadRequest("the body must be a JSON object");
        }
        return root;
    }

    /** A message's content as text: a string, null (a tool-calling turn), or text parts joined. */
    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isMissingNode() || content.isNull()) {
            return "";
        }
        if (content.isArray()) {
            StringBuilder s = new StringBuilder();
            for (JsonNode part : content) {
                if (!"text".equals(part.path("type").asText())) {
                    throw new BadRequest("only text content parts are supported");
                }
                s.append(part.path("text").asText());
            }
            return s.toString();
        }
        throw new BadRequest("a message's 'content' must be a string, null or text parts");
    }
}
