package dev.aha.runtime.sft;

import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.task.TaskPrompt;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs SFT for a number of steps on a stream of prompts with worked solutions: the cold start of R1, or SFT on any
 * JSON Lines of prompt and completion. The completion is the solution followed by the end token.
 */
public final class SftLoop {

    /** Progress after a step: step number and its loss. */
    public record Progress(int step, int steps, float loss) {}

    private SftLoop() {}

    /**
     * @param logitsBudget most bytes of logits one forward may hold (see {@link dev.aha.runtime.policy.MicroBatches})
     * @param progress told after every step; may be null
     * @return the mean loss of the last 10% of steps
     */
    public static float run(Policy policy, Tokenizer tokenizer, PromptTemplate template,
            PromptStream examples, int steps, int batchSize, AdamWSettings optimizer, long logitsBudget,
            Consumer<Progress> progress) {
        float tail = 0;
        int tailSteps = 0;
        try (AdamW adam = new AdamW(policy.parameters(), optimizer, policy.manager())) {
            SupervisedFineTuner tuner = new SupervisedFineTuner(policy, adam, tokenizer.padId(), logitsBudget);
            for (int s = 1; s <= steps; s++) {
                List<SftExample> batch = new ArrayList<>(batchSize);
                while (batch.size() < batchSize) {
                    TaskPrompt p = examples.next();
                    if (p.solution() == null) {
                        throw new IllegalArgumentException("prompt " + p.id() + " has no solution to fine-tune on");
                    }
                    batch.add(example(tokenizer, template, p));
                }
                float loss = tuner.step(batch);
                if (s > steps - Math.max(1, steps / 10)) {
                    tail += loss;
                    tailSteps++;
                }
                if (progress != null) {
                    progress.accept(new Progress(s, steps, loss));
                }
            }
        }
        policy.setTrainable(false);
        return tailSteps == 0 ? Float.NaN : tail / tailSteps;
    }

    public static SftExample example(Tokenizer tokenizer, PromptTemplate template, TaskPrompt p) {
        int[] completion = tokenizer.encode(p.solution());
        int[] withEnd = Arrays.copyOf(completion, completion.length + 1);
        withEnd[completion.length] = tokenizer.endId();
        return new SftExample(tokenizer.encode(template.render(p.question())), withEnd);
    }
}
