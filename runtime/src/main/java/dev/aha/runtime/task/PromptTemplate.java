package dev.aha.runtime.task;

import dev.aha.runtime.chat.ChatTemplate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a question into the text the policy sees: the one {@code {question}} placeholder is replaced, and for a chat
 * model the result is the user's turn of the model's own chat template, with the assistant's turn opened
 * ({@code add_generation_prompt}), as the model was trained to see it.
 */
public final class PromptTemplate {

    public static final String PLACEHOLDER = "{question}";

    /** DeepSeek-R1-Zero's template (R1 paper, table 1). */
    public static final String R1_ZERO_TEXT = "A conversation between User and Assistant. The user asks a question, "
            + "and the Assistant solves it. The assistant first thinks about the reasoning process in the mind and "
            + "then provides the user with the answer. The reasoning process and answer are enclosed within "
            + "<think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning process here "
            + "</think> <answer> answer here </answer>. User: {question}. Assistant:";

    private final String prefix;
    private final String suffix;
    private final String text;
    private final ChatTemplate chat;
    private final Map<String, Object> chatFlags;

    private PromptTemplate(String text) {
        this(text, null, Map.of());
    }

    private PromptTemplate(String text, ChatTemplate chat, Map<String, Object> chatFlags) {
        int at = text.indexOf(PLACEHOLDER);
        if (at < 0) {
            throw new IllegalArgumentException("prompt template must contain " + PLACEHOLDER + ": " + abbreviate(text));
        }
        if (text.indexOf(PLACEHOLDER, at + 1) >= 0) {
            throw new IllegalArgumentException(
                    "prompt template must contain " + PLACEHOLDER + " exactly once: " + abbreviate(text));
        }
        this.text = text;
        this.prefix = text.substring(0, at);
        this.suffix = text.substring(at + PLACEHOLDER.length());
        this.chat = chat;
        this.chatFlags = Map.copyOf(chatFlags);
    }

    /**
     * This template as the user's turn of a chat template.
     *
     * @param flags the template's keyword arguments, e.g. Qwen3's {@code enable_thinking}
     */
    public PromptTemplate inChat(ChatTemplate template, Map<String, Object> flags) {
        return new PromptTemplate(text, template, flags);
    }

    /** Another text in the same chat template (if any). */
    public PromptTemplate withText(String other) {
        return new PromptTemplate(other, chat, chatFlags);
    }

    /** The chat template prompts go through, or null. */
    public ChatTemplate chat() {
        return chat;
    }

    /** The chat template's keyword flags (empty without one). */
    public Map<String, Object> chatFlags() {
        return chatFlags;
    }

    /** The same with one more chat-template flag (e.g. {@code tools}); unchanged without a chat template. */
    public PromptTemplate withChatFlag(String key, Object value) {
        if (chat == null) {
            return this;
        }
        Map<String, Object> flags = new LinkedHashMap<>(chatFlags);
        flags.put(key, value);
        return new PromptTemplate(text, chat, flags);
    }

    /** True when prompts go through a chat template. */
    public boolean isChat() {
        return chat != null;
    }

    public static PromptTemplate r1Zero() {
        return new PromptTemplate(R1_ZERO_TEXT);
    }

    public static PromptTemplate of(String text) {
        if (text == null) {
            throw new IllegalArgumentException("prompt template must be set");
        }
        return new PromptTemplate(text);
    }

    public String render(String question) {
        String user = prefix + question + suffix;
        if (chat == null) {
            return user;
        }
        Map<String, Object> turn = new LinkedHashMap<>();
        turn.put("role", "user");
        turn.put("content", user);
        return chat.render(List.of(turn), true, chatFlags);
    }

    public String text() {
        return text;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? "\"" + s + "\"" : "\"" + s.substring(0, 57) + "...\"";
    }
}
