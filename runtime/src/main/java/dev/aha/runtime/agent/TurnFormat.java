package dev.aha.runtime.agent;

/**
 * How a model writes tool calls and sees observations, in ids: the model's chat template ({@link ChatTurnFormat})
 * or the built-in GPT's compact one ({@link CompactTurnFormat}). Observations are rendered here to ids once and
 * appended as they are: a trajectory is never re-tokenised.
 */
public interface TurnFormat {

    /** Whether sampling {@code token} ends a turn that calls a tool (the call's closing token). */
    boolean endsTurn(int token);

    /** The turn's text as the environment reads it. */
    String decode(int[] turn);

    /**
     * The call a turn made, as text for {@link #parse}, or null when it made none.
     *
     * @param endedOnEndToken false when the turn ended on {@link #endsTurn}'s token
     */
    String callText(String turnText, boolean endedOnEndToken);

    /** The call in {@code callText}. */
    ToolCall parse(String callText, Tool[] tools) throws MalformedCallException;

    /** Whether {@code text} holds what this format would read as a tool call (never shown as an observation). */
    boolean containsCall(String text);

    /** The ids of a tool's result as the template renders them after {@code turn}. */
    int[] toolResult(String content, int[] turn, boolean endedOnEndToken);

    /** The ids of the environment's own reply (the user's next turn) after {@code turn}. */
    int[] reply(String content, int[] turn, boolean endedOnEndToken);
}
