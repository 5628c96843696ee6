package dev.aha.runtime.chat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A conversation to fine-tune on, in TRL's conversational format: {@code messages} of {@code system}, {@code user},
 * {@code assistant} (optionally with {@code tool_calls}) and {@code tool} roles, and the {@code tools} the chat
 * template announces (null for none). Only the assistant's turns are trained; the rest is context.
 *
 * @param messages maps as the chat template reads them, {@code content} always a string
 */
public record Conversation(List<Map<String, Object>> messages, List<Object> tools) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    public Conversation {
        messages = List.copyOf(messages);
        tools = tools == null ? null : List.copyOf(tools);
        boolean assistant = false;
        for (int i = 0; i < messages.size(); i++) {
            Object role = messages.get(i).get("role");
            if (!ROLES.contains(role)) {
                throw new IllegalArgumentException("message " + i + ": role must be system, user, assistant or tool,"
                        + " was " + role);
            }
            assistant |= role.equals("assistant");
        }
        if (!assistant) {
            throw new IllegalArgumentException("a conversation needs an assistant message to train on");
        }
    }

    /** Messages from (role, content) pairs. */
    public static Conversation of(String... rolesAndContents) {
        List<Map<String, Object>> messages = new ArrayList<>();
        for (int i = 0; i + 1 < rolesAndContents.length; i += 2) {
            messages.add(message(rolesAndContents[i], rolesAndContents[i + 1]));
        }
        return new Conversation(messages, null);
    }

    /** TRL's {@code messages} (and {@code tools}, a missing node for none) from a dataset row. */
    public static Conversation fromJson(JsonNode messages, JsonNode tools) {
        if (!messages.isArray() || messages.isEmpty()) {
            throw new IllegalArgumentException("'messages' must be a non-empty array");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode m : messages) {
            if (!m.isObject() || !m.path("role").isTextual()) {
                throw new IllegalArgumentException("each message needs a 'role'");
            }
            JsonNode content = m.path("content");
            if (!content.isTextual() && !content.isNull() && !content.isMissingNode()) {
                throw new IllegalArgumentException("a message's 'content' must be a string or null");
            }
            Map<String, Object> message = JSON.convertValue(m, new TypeReference<LinkedHashMap<String, Object>>() {});
            message.put("content", content.isTextual() ? content.asText() : "");
            out.add(message);
        }
        List<Object> toolList = null;
        if (tools.isArray() && !tools.isEmpty()) {
            toolList = JSON.convertValue(tools, new TypeReference<List<Object>>() {});
        } else if (!tools.isMissingNode() && !tools.isNull() && !tools.isArray()) {
            throw new IllegalArgumentException("'tools' must be an array of tool schemas");
        }
        return new Conversation(out, toolList);
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }

    public String role(int i) {
        return (String) messages.get(i).get("role");
    }

    public String content(int i) {
        return (String) messages.get(i).get("content");
    }

    /** The text of all assistant turns joined, as a plain completion reads. */
    public String assistantText() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            if (role(i).equals("assistant")) {
                s.append(content(i));
            }
        }
        return s.toString();
    }
}
