package dev.aha.runtime.sft;

/**
 * A prompt and the completion to imitate (its end token included, so the model learns to stop).
 *
 * @param trained one flag per completion token, true where it is a target of the loss; empty when all are. A
 *     multi-turn trace flags its observations (tool results, the environment's replies, the template's framing)
 *     false: the policy conditions on them but never learns to write them, as in RL.
 */
public record SftExample(int[] prompt, int[] completion, boolean[] trained) {

    public SftExample {
        if (prompt.length == 0 || completion.length == 0) {
            throw new IllegalArgumentException("prompt and completion must both be non-empty");
        }
        if (trained.length != 0 && trained.length != completion.length) {
            throw new IllegalArgumentException("a completion of " + completion.length + " tokens has "
                    + trained.length + " trained-token flags");
        }
    }

    /** Every completion token trained. */
    public SftExample(int[] prompt, int[] completion) {
        this(prompt, completion, new boolean[0]);
    }

    /** Whether completion token {@code j} is a target of the loss. */
    public boolean trains(int j) {
        return trained.length == 0 || trained[j];
    }
}
