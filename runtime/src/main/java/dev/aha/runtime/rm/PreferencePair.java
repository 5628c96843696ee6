package dev.aha.runtime.rm;

/**
 * One preference: the tokens of the chosen and the rejected response (each with its prompt), and TRL's optional
 * margin by which the chosen reward should exceed the rejected one.
 *
 * @param where {@code FILE:LINE}, for messages
 */
public record PreferencePair(String where, int[] chosen, int[] rejected, float margin) {}
