package dev.aha.actors.run;

import dev.aha.actors.config.RunConfig;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.task.Task;
import dev.aha.runtime.task.TaskPrompt;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a task's prompts, rendered and tokenized as the rollouts will, leave room for max-new-tokens in the
 * policy's context: checked once at start-up, so that a dataset the model cannot hold fails in one line instead of
 * in the middle of an evaluation.
 */
public final class PromptFit {

    /** Training prompts looked at: a sample, since a training file can be large. */
    private static final int TRAINING_SAMPLE = 1_000;

    /**
     * @param checked prompts tokenized
     * @param tooLong those whose tokens plus max-new-tokens exceed the context
     * @param longest the most tokens of any of them
     */
    public record Report(int checked, int tooLong, int longest) {}

    private PromptFit() {}

    /** @param tokenizer the run's tokenizer, loaded from {@code config.tokenizer()} */
    public static Report of(List<TaskPrompt> prompts, RunConfig config, Tokenizer tokenizer) {
        int tooLong = 0;
        int longest = 0;
        int room = config.policy().contextLength() - config.sampling().maxNewTokens();
        for (TaskPrompt p : prompts) {
            int n = tokenizer.encode(config.template().render(p.question())).length;
            longest = Math.max(longest, n);
            if (n > room) {
                tooLong++;
            }
        }
        return new Report(prompts.size(), tooLong, longest);
    }

    /**
     * Every held-out prompt must fit (an evaluation samples each of them); of the training prompts, a sample is
     * checked and must mostly fit (the ones that do not are quarantined when the run meets them).
     *
     * @throws IllegalArgumentException saying how many do not fit and which settings to change
     */
    public static void require(Task task, List<TaskPrompt> heldOut, RunConfig config, Tokenizer tokenizer) {
        Report held = of(heldOut, config, tokenizer);
        if (held.tooLong() > 0) {
            throw new IllegalArgumentException(held.tooLong() + " of " + held.checked() + " held-out prompts of task "
                    + task.name() + " do not fit: " + describe(held, config));
        }
        PromptStream stream = task.trainStream(config.train().seed());
        List<TaskPrompt> sample = new ArrayList<>();
        for (int i = 0; i < TRAINING_SAMPLE; i++) {
            sample.add(stream.next());
        }
        Report train = of(sample, config, tokenizer);
        if (train.tooLong() * 2 > train.checked()) {
            throw new IllegalArgumentException(train.tooLong() + " of the first " + train.checked()
                    + " training prompts of task " + task.name() + " do not fit: " + describe(train, config));
        }
    }

    private static String describe(Report r, RunConfig config) {
        return "the longest is " + r.longest() + " tokens, and a prompt may have at most aha.policy.context-length ("
                + config.policy().contextLength() + ") - aha.sampling.max-new-tokens (" + config.sampling().maxNewTokens()
                + ") = " + (config.policy().contextLength() - config.sampling().maxNewTokens()) + "; raise the first or "
                + "lower the second";
    }
}
