package dev.aha.app.recipe;

import dev.aha.actors.config.RunConfig;
import dev.aha.runtime.task.BadLinePolicy;
import dev.aha.runtime.task.JsonlReader;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.task.Task;
import dev.aha.runtime.task.TaskPrompt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What SFT trains on: JSON Lines of {@code prompt} and {@code completion} (raw text, the prompt used as written: what
 * {@code aha reject} writes), or a task's generated worked solutions in the run's prompt template (the cold start).
 *
 * @param examples the endless stream SFT draws batches from
 * @param template how a prompt is rendered (the identity for a file, whose prompts are rendered already)
 * @param size examples in a file; 0 for a task's endless supply
 * @param source what it is, for the console and the stage records
 */
public record SftData(PromptStream examples, PromptTemplate template, int size, String source) {

    /** A file of {prompt, completion} lines, in a new order each epoch (drawn from {@code seed}). */
    public static SftData file(Path data, long seed) {
        List<TaskPrompt> rows = new ArrayList<>();
        JsonlReader.read(data, BadLinePolicy.STOP, r -> rows.add(new TaskPrompt("sft/" + r.lineNumber(),
                r.requireText("prompt"), "", r.requireText("completion"))));
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(data + " holds no examples");
        }
        return new SftData(PromptStream.shuffledEpochs(rows, seed), PromptTemplate.of("{question}"), rows.size(),
                data.toString());
    }

    /** The task's worked solutions (with a {@code <think>} trace), as the cold start of {@code aha train} draws them. */
    public static SftData workedSolutions(Task task, RunConfig config) {
        return new SftData(task.trainStream(config.train().seed() + 99), config.template(), 0,
                "the " + task.name() + " task's worked solutions");
    }
}
