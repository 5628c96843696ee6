package dev.aha.app.recipe;

import dev.aha.actors.config.RunConfig;
import dev.aha.runtime.chat.Conversation;
import dev.aha.runtime.sft.ConversationExamples;
import dev.aha.runtime.task.BadLinePolicy;
import dev.aha.runtime.task.JsonlReader;
import dev.aha.runtime.task.JsonlRecord;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.task.Task;
import dev.aha.runtime.task.TaskPrompt;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What SFT trains on: JSON Lines of {@code prompt} and {@code completion} (raw text, the prompt used as written: what
 * {@code aha reject} writes) or of conversations ({@code messages}), or a task's generated worked solutions in the
 * run's prompt template (the cold start).
 *
 * @param examples the endless stream SFT draws batches from
 * @param template how a prompt is rendered (the identity for a file of prompts, which are rendered already)
 * @param size examples in a file; 0 for a task's endless supply
 * @param source what it is, for the console and the stage records
 * @param conversations a file's conversation rows, checked before training ({@link #check})
 */
public record SftData(PromptStream examples, PromptTemplate template, int size, String source,
        List<TaskPrompt> conversations) {

    /**
     * Renders every conversation row once, so one that an episode could not make (or the template cannot render
     * turn by turn) stops SFT before its first step, naming its line.
     */
    public void check(Tokenizer tokenizer) {
        ConversationExamples examples = new ConversationExamples(template, tokenizer);
        for (TaskPrompt p : conversations) {
            try {
                examples.example(p.trace());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ":" + p.id().substring(p.id().indexOf('/') + 1)
                        + ": " + e.getMessage());
            }
        }
    }

    /**
     * A file of {prompt, completion} lines, or of conversations in TRL's format ({@code messages}, optionally
     * {@code tools}), in a new order each epoch (drawn from {@code seed}). A conversation trains on its assistant's
     * turns only, rendered with {@code conversations} (the run's prompt template: its chat template, or for the
     * built-in GPT its text around the first user message).
     */
    public static SftData file(Path data, long seed, PromptTemplate conversations) {
        List<TaskPrompt> rows = new ArrayList<>();
        int[] firstOfEach = {0, 0}; // the first line of each kind: plain, conversation
        JsonlReader.read(data, BadLinePolicy.STOP, r -> {
            boolean conversation = r.node().has("messages");
            int kind = conversation ? 1 : 0;
            firstOfEach[kind] = firstOfEach[kind] == 0 ? r.lineNumber() : firstOfEach[kind];
            if (firstOfEach[1 - kind] != 0) {
                throw r.problem("a file holds either prompt and completion rows or messages rows, and line "
                        + firstOfEach[1 - kind] + " is the other kind");
            }
            rows.add(conversation ? conversation(r) : new TaskPrompt("sft/" + r.lineNumber(),
                    r.requireText("prompt"), "", r.requireText("completion")));
        });
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(data + " holds no examples");
        }
        boolean conversation = firstOfEach[1] != 0;
        return new SftData(PromptStream.shuffledEpochs(rows, seed),
                conversation ? conversations : PromptTemplate.of("{question}"), rows.size(), data.toString(),
                conversation ? List.copyOf(rows) : List.of());
    }

    private static TaskPrompt conversation(JsonlRecord r) {
        Conversation c;
        try {
            c = Conversation.fromJson(r.node().get("messages"), r.node().path("tools"));
        } catch (IllegalArgumentException e) {
            throw r.problem(e.getMessage());
        }
        return new TaskPrompt("sft/" + r.lineNumber(), "", "", null, null, c);
    }

    /** The task's worked solutions (with a {@code <think>} trace), as the cold start of {@code aha train} draws them. */
    public static SftData workedSolutions(Task task, RunConfig config) {
        return new SftData(task.trainStream(config.train().seed() + 99), config.template(), 0,
                "the " + task.name() + " task's worked solutions", List.of());
    }
}
