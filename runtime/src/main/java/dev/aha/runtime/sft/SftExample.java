package dev.aha.runtime.sft;

/** A prompt and the completion to imitate (its end token included, so the model learns to stop). */
public record SftExample(int[] prompt, int[] completion) {

    public SftExample {
        if (prompt.length == 0 || completion.length == 0) {
            throw new IllegalArgumentException("prompt and completion must both be non-empty");
        }
    }
}
