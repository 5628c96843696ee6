package dev.aha.runtime.rm;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.task.ArithmeticSettings;
import dev.aha.runtime.task.ArithmeticTask;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.task.TaskPrompt;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A dataset for R1's last stage in the form the jsonl task reads: arithmetic problems the rules reward
 * ({@code "reward": "rule"}, with their answers) among synthetic general requests the reward model rewards
 * ({@code "reward": "model"}, no answer), in a seeded order.
 */
public final class MixedDataset {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MixedDataset() {}

    /** Writes {@code count} rows, a {@code generalShare} of them general; returns how many are general. */
    public static int write(Path out, ArithmeticSettings arithmetic, int count, double generalShare, long seed)
            throws IOException {
        if (count < 1 || !(generalShare >= 0 && generalShare <= 1)) {
            throw new IllegalArgumentException("a mixed dataset needs a positive count and a general share in [0, 1], "
                    + "were " + count + " and " + generalShare);
        }
        PromptStream problems = new ArithmeticTask(arithmetic).trainStream(seed);
        Random rng = new Random(seed * 31 + 11);
        int general = 0;
        try (BufferedWriter w = PairFiles.open(out)) {
            for (int i = 0; i < count; i++) {
                if (rng.nextDouble() < generalShare) {
                    w.write(JSON.createObjectNode().put("question", GeneralRequests.draw(rng).question())
                            .put("reward", "model").toString());
                    general++;
                } else {
                    write(w, problems.next());
                }
                w.newLine();
            }
        }
        return general;
    }

    /** The arithmetic task's held-out problems as rule rows: a jsonl run evaluates on the same prompts. */
    public static void heldOut(Path out, ArithmeticSettings arithmetic, int count) throws IOException {
        List<TaskPrompt> prompts = new ArithmeticTask(arithmetic).heldOut(count);
        try (BufferedWriter w = PairFiles.open(out)) {
            for (TaskPrompt p : prompts) {
                write(w, p);
                w.newLine();
            }
        }
    }

    private static void write(BufferedWriter w, TaskPrompt p) throws IOException {
        w.write(JSON.createObjectNode().put("question", p.question()).put("answer", p.referenceAnswer())
                .put("reward", "rule").toString());
    }
}
