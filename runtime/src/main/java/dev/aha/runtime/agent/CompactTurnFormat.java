package dev.aha.runtime.agent;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.tokenizer.Tokenizer;

/**
 * The built-in GPT's tool calls, short because its tokens are characters: the policy writes
 * {@code [calculator 123*456]}, the turn ends on {@code ]}, and the result follows as {@code =56088}; the policy's
 * next turn continues right after it. The text after the name fills the tool's {@link Tool#primaryArgument}. The
 * environment's own replies follow a turn that ended on the end token as {@code  User: text Assistant: }, the form
 * of the synthetic tasks' prompts.
 */
public final class CompactTurnFormat implements TurnFormat {

    public static final char OPEN = '[';
    public static final char CLOSE = ']';
    public static final String RESULT = "=";

    private final Tokenizer tokenizer;
    private final int closeId;

    /** @throws IllegalArgumentException when the tokenizer does not spell {@code ]} as one token */
    public CompactTurnFormat(Tokenizer tokenizer) {
        int[] close = tokenizer.encode(String.valueOf(CLOSE));
        if (close.length != 1) {
            throw new IllegalArgumentException("the compact tool-call format needs '" + CLOSE + "' to be one token; "
                    + tokenizer + " makes it " + close.length);
        }
        this.tokenizer = tokenizer;
        this.closeId = close[0];
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
        if (endedOnEndToken || !turnText.endsWith(String.valueOf(CLOSE))) {
            return null;
        }
        int open = turnText.lastIndexOf(OPEN);
        return open < 0 ? "" : turnText.substring(open + 1, turnText.length() - 1);
    }

    @Override
    public ToolCall parse(String callText, Tool[] tools) throws MalformedCallException {
        int space = callText.indexOf(' ');
        if (callText.isBlank() || space <= 0) {
            throw new MalformedCallException("a call is [name input], got [" + abbreviate(callText) + "]");
        }
        String name = callText.substring(0, space);
        for (Tool tool : tools) {
            if (tool.name().equals(name)) {
                ObjectNode args = JsonNodeFactory.instance.objectNode();
                args.put(tool.primaryArgument(), callText.substring(space + 1).strip());
                return new ToolCall(name, args);
            }
        }
        return new ToolCall(name, JsonNodeFactory.instance.objectNode());
    }

    @Override
    public boolean containsCall(String text) {
        return text.indexOf(OPEN) >= 0 || text.indexOf(CLOSE) >= 0;
    }

    @Override
    public int[] toolResult(String content, int[] turn, boolean endedOnEndToken) {
        return tokenizer.encode(RESULT + content.replace('\n', ' '));
    }

    @Override
    public int[] reply(String content, int[] turn, boolean endedOnEndToken) {
        return tokenizer.encode(" User: " + content + " Assistant: ");
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
