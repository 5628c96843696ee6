package dev.aha.runtime.sft;

import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.task.TaskPrompt;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs SFT for a number of steps on a stream of prompts with worked solutions: the cold start of R1, or SFT on any
 * JSON Lines of prompt and completion. The completion is the solution followed by the end token; a prompt whose
 * worked solution is a multi-turn trace trains on the trace's assistant turns only ({@link ConversationExamples}).
 */
public final class SftLoop {

    /** Progress after a step: step number and its loss. */
    public record Progress(int step, int steps, float loss) {}

    private SftLoop() {}

    /**
     * What a run did.
     *
     * @param steps optimiser steps taken
     * @param loss mean loss of the last 10% of them
     */
    public record Outcome(int steps, float loss) {}

    /**
     * @param logitsBudget most bytes of logits one forward may hold (see {@link dev.aha.runtime.policy.MicroBatches})
     * @param progress told after every step; may be null
     * @return the mean loss of the last 10% of steps
     */
    public static float run(Policy policy, Tokenizer tokenizer, PromptTemplate template,
            PromptStream examples, int steps, int batchSize, AdamWSettings optimizer, long logitsBudget,
            Consumer<Progress> progress) {
        return run(policy, tokenizer, template, examples, steps, null, batchSize, optimizer, logitsBudget, progress)
                .loss();
    }

    /**
     * SFT for {@code maxSteps} steps or {@code timeLimit} of wall time, whichever ends first: a budget in time is
     * how a comparison of training methods gives each the same compute (the step that crosses it completes).
     *
     * @param timeLimit null for no limit
     */
    public static Outcome run(Policy policy, Tokenizer tokenizer, PromptTemplate template,
            PromptStream examples, int maxSteps, Duration timeLimit, int batchSize, AdamWSettings optimizer,
            long logitsBudget, Consumer<Progress> progress) {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("SFT needs at least 1 step, was " + maxSteps);
        }
        long deadline = timeLimit == null ? Long.MAX_VALUE : System.nanoTime() + timeLimit.toNanos();
        float[] losses = new float[Math.min(maxSteps, 1024)];
        int s = 0;
        try (AdamW adam = new AdamW(policy.parameters(), optimizer, policy.manager())) {
            SupervisedFineTuner tuner = new SupervisedFineTuner(policy, adam, tokenizer.padId(), logitsBudget);
            ConversationExamples conversations = new ConversationExamples(template, tokenizer);
            while (s < maxSteps && (s == 0 || System.nanoTime() < deadline)) {
                List<SftExample> batch = new ArrayList<>(batchSize);
                while (batch.size() < batchSize) {
                    TaskPrompt p = examples.next();
                    if (p.solution() == null && p.trace() == null) {
                        throw new IllegalArgumentException("prompt " + p.id() + " has no solution to fine-tune on");
                    }
                    batch.add(p.trace() != null ? conversations.example(p.trace()) : example(tokenizer, template, p));
                }
                float loss = tuner.step(batch);
                if (s == losses.length) {
                    losses = Arrays.copyOf(losses, losses.length * 2);
                }
                losses[s++] = loss;
                if (progress != null) {
                    progress.accept(new Progress(s, maxSteps, loss));
                }
            }
        }
        policy.setTrainable(false);
        int tail = Math.max(1, s / 10);
        float sum = 0;
        for (int i = s - tail; i < s; i++) {
            sum += losses[i];
        }
        return new Outcome(s, sum / tail);
    }

    /** The example of {@code p}: its trace's turns when it has one (observations masked), else its solution. */
    public static SftExample example(Tokenizer tokenizer, PromptTemplate template, TaskPrompt p) {
        if (p.trace() != null) {
            return new ConversationExamples(template, tokenizer).example(p.trace());
        }
        int[] completion = tokenizer.encode(p.solution());
        int[] withEnd = Arrays.copyOf(completion, completion.length + 1);
        withEnd[completion.length] = tokenizer.endId();
        return new SftExample(tokenizer.encode(template.render(p.question())), withEnd);
    }
}
