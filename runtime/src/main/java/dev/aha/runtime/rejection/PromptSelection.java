package dev.aha.runtime.rejection;

import dev.aha.runtime.task.JsonlTask;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.task.Task;
import dev.aha.runtime.task.TaskPrompt;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which prompts {@code aha sample} samples, the same list for the same task, split, count and seed, so that a re-run
 * continues the same list. Each list is a prefix of a longer one: {@code --prompts 10} is the first ten of
 * {@code --prompts 100}.
 */
public final class PromptSelection {

    /** The task's training prompts (what rejection sampling for SFT data draws), or its held-out split. */
    public enum Split {
        TRAIN("train"), HELD_OUT("held-out");

        private final String label;

        Split(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Split parse(String text) {
            for (Split s : values()) {
                if (s.label.equalsIgnoreCase(text) || s.name().equalsIgnoreCase(text)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("--split must be train or held-out, was '" + text + "'");
        }
    }

    /** Draws past this many per prompt asked for end the search for distinct training prompts. */
    private static final int DRAWS_PER_PROMPT = 1_000;

    private PromptSelection() {}

    /**
     * @param count prompts wanted, or null for the whole split of a file task (the arithmetic task's split has no
     *     end: it needs a count)
     * @param seed orders the training split (a fresh shuffle of it); the held-out split has a fixed order
     */
    public static List<TaskPrompt> select(Task task, Split split, Integer count, long seed) {
        if (count != null && count < 1) {
            throw new IllegalArgumentException("--prompts must be at least 1, was " + count);
        }
        int n;
        if (count != null) {
            n = count;
        } else if (task instanceof JsonlTask file) {
            n = split == Split.TRAIN ? file.trainSize() : file.heldOutSize();
        } else {
            throw new IllegalArgumentException("task " + task.name() + " has no end to its " + split.label()
                    + " split: give --prompts N");
        }
        if (split == Split.HELD_OUT) {
            return task.heldOut(n);
        }
        if (task instanceof JsonlTask file && n > file.trainSize()) {
            throw new IllegalArgumentException("task " + task.name() + " has " + file.trainSize()
                    + " training prompts, fewer than the " + n + " asked for");
        }
        // The training stream: one shuffled pass over a file task (each prompt once), draws of the arithmetic task
        // (repeats skipped).
        PromptStream stream = task.trainStream(seed);
        List<TaskPrompt> prompts = new ArrayList<>(n);
        Set<String> seen = new HashSet<>();
        long budget = (long) DRAWS_PER_PROMPT * n;
        for (long draws = 0; prompts.size() < n; draws++) {
            if (draws == budget) {
                throw new IllegalArgumentException("task " + task.name() + " gave " + prompts.size()
                        + " distinct training prompts in " + budget + " draws, fewer than the " + n + " asked for");
            }
            TaskPrompt p = stream.next();
            if (seen.add(p.id())) {
                prompts.add(p);
            }
        }
        return prompts;
    }
}
