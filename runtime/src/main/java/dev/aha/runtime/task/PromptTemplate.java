package dev.aha.runtime.task;

/** Turns a question into the text the policy sees, by replacing the one {@code {question}} placeholder. */
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

    private PromptTemplate(String text) {
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
        return prefix + question + suffix;
    }

    public String text() {
        return text;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? "\"" + s + "\"" : "\"" + s.substring(0, 57) + "...\"";
    }
}
