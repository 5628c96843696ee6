package dev.aha.runtime.task;

import java.util.List;

/** A source of problems with checkable answers, split into training prompts and a disjoint held-out set. */
public interface Task {

    /** "arithmetic", "gsm8k", "jsonl". */
    String name();

    /**
     * The task's convention for turning a dataset's answer field into the bare reference answer (GSM8K: the text
     * after the last "#### ").
     */
    String referenceAnswer(String datasetAnswer);

    /**
     * Training prompts in a fixed order for a given seed; finite tasks cycle, reshuffled each epoch. Never returns a
     * held-out prompt.
     */
    PromptStream trainStream(long seed);

    /**
     * The first {@code n} prompts of the held-out split, deterministic, disjoint from anything {@link #trainStream}
     * returns.
     *
     * @throws IllegalArgumentException when the split holds fewer than n prompts
     */
    List<TaskPrompt> heldOut(int n);
}
