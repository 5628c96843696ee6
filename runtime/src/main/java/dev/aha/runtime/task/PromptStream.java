package dev.aha.runtime.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** An endless, deterministic supply of training prompts. Not thread-safe: one consumer (the dispatcher). */
public interface PromptStream {
    TaskPrompt next();

    /** Cycles through {@code rows} forever, each epoch in a new order drawn from {@code seed}. */
    static PromptStream shuffledEpochs(List<TaskPrompt> rows, long seed) {
        Random rng = new Random(seed);
        List<TaskPrompt> order = new ArrayList<>(rows);
        return new PromptStream() {
            private int next = order.size();

            @Override
            public TaskPrompt next() {
                if (next == order.size()) {
                    Collections.shuffle(order, rng);
                    next = 0;
                }
                return order.get(next++);
            }
        };
    }
}
