package dev.aha.runtime.rm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.chat.ChatTemplate;
import dev.aha.runtime.task.JsonlRecord;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The tokens a reward model scores for a prompt and a response in TRL's forms: two strings, concatenated and ended
 * with the end token (as TRL's RewardTrainer appends EOS to plain text); or two message lists, joined and rendered
 * through the tokenizer's chat template (which writes its own end tokens). An absent prompt is an implicit one: the
 * response already holds it.
 */
public final class PreferenceText {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Tokenizer tokenizer;
    private final ChatTemplate template;

    /** @param template the tokenizer's chat template, or null when it has none (message lists are then refused) */
    public PreferenceText(Tokenizer tokenizer, ChatTemplate template) {
        this.tokenizer = tokenizer;
        this.template = template;
    }

    /**
     * @param prompt the prompt, or null for an implicit one
     * @param response the response under {@code field}
     * @throws dev.aha.runtime.task.JsonlFormatException naming the line, when the values are not TRL's forms
     */
    public int[] ids(JsonlRecord r, JsonNode prompt, JsonNode response, String field) {
        if (response == null || response.isNull()) {
            throw r.problem("missing \"" + field + "\"");
        }
        if (response.isTextual()) {
            if (prompt != null && !prompt.isTextual()) {
                throw r.problem("\"prompt\" and \"" + field + "\" must both be strings or both message lists");
            }
            String text = (prompt == null ? "" : prompt.asText()) + response.asText();
            if (text.isBlank()) {
                throw r.problem("\"" + field + "\" is blank");
            }
            int[] ids = tokenizer.encode(text);
            int[] ended = Arrays.copyOf(ids, ids.length + 1);
            ended[ids.length] = tokenizer.endId();
            return ended;
        }
        if (!response.isArray()) {
            throw r.problem("\"" + field + "\" must be a string or a list of messages, was "
                    + response.getNodeType().name().toLowerCase());
        }
        if (prompt != null && !prompt.isArray()) {
            throw r.problem("\"prompt\" and \"" + field + "\" must both be strings or both message lists");
        }
        if (template == null) {
            throw r.problem("\"" + field + "\" is a message list, and the tokenizer has no chat template to render it");
        }
        List<Map<String, Object>> messages = new ArrayList<>();
        if (prompt != null) {
            messages.addAll(messages(r, prompt, "prompt"));
        }
        messages.addAll(messages(r, response, field));
        return tokenizer.encode(template.render(messages, false, Map.of()));
    }

    private static List<Map<String, Object>> messages(JsonlRecord r, JsonNode list, String field) {
        if (list.isEmpty()) {
            throw r.problem("\"" + field + "\" is an empty message list");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode m : list) {
            if (!m.isObject() || !m.path("role").isTextual() || !m.path("content").isTextual()) {
                throw r.problem("each message of \"" + field + "\" needs a string role and a string content");
            }
            out.add(JSON.convertValue(m, JSON.getTypeFactory().constructMapType(Map.class, String.class,
                    Object.class)));
        }
        return out;
    }
}
