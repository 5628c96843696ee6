package dev.aha.runtime.rm;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.task.TaskPrompt;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Preference pairs written in TRL's format ({@code prompt}, {@code chosen}, {@code rejected}), one JSON line each:
 * from a task's worked solutions ({@link WrongStep} makes the rejected side) or from {@link GeneralRequests}. The
 * prompt is the question as {@code render} (the run's prompt template) writes it, so the reward model reads what the
 * policy writes after.
 */
public final class PairFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PairFiles() {}

    /** {@code count} pairs from distinct problems of {@code problems}; every problem needs a worked solution. */
    public static void fromTask(Path out, PromptStream problems, String taskName, UnaryOperator<String> render,
            int count, long seed) throws IOException {
        Random rng = new Random(seed * 31 + 7);
        Set<String> seen = new HashSet<>();
        int written = 0;
        int draws = 0;
        try (BufferedWriter w = open(out)) {
            while (written < count) {
                if (++draws > 20 * count) {
                    throw new IllegalArgumentException("the " + taskName + " task gave only " + written
                            + " distinct problems in " + (draws - 1) + " draws; ask for fewer pairs");
                }
                TaskPrompt p = problems.next();
                if (p.solution() == null) {
                    throw new IllegalArgumentException("the " + taskName + " task has no worked solutions to "
                            + "make pairs from (arithmetic has)");
                }
                if (!seen.add(p.question())) {
                    continue;
                }
                write(w, render.apply(p.question()), p.solution(), WrongStep.corrupt(p.solution(), rng));
                written++;
            }
        }
    }

    /** {@code count} pairs of synthetic general requests (they repeat: the space is small, no harm to a preference). */
    public static void general(Path out, UnaryOperator<String> render, int count, long seed) throws IOException {
        Random rng = new Random(seed);
        try (BufferedWriter w = open(out)) {
            for (int i = 0; i < count; i++) {
                GeneralRequests.Request r = GeneralRequests.draw(rng);
                write(w, render.apply(r.question()), r.chosen(), r.rejected());
            }
        }
    }

    private static void write(BufferedWriter w, String prompt, String chosen, String rejected) throws IOException {
        w.write(JSON.createObjectNode().put("prompt", prompt).put("chosen", chosen).put("rejected", rejected)
                .toString());
        w.newLine();
    }

    static BufferedWriter open(Path out) throws IOException {
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        return Files.newBufferedWriter(out);
    }
}
