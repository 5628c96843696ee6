package dev.aha.runtime.task;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.zip.CRC32;

/**
 * The split of a synthetic task whose problems are drawn from a seeded RNG: a question is held out when the CRC32 of
 * its text is 0 mod 10 (about a tenth of the problem space), disjoint by construction. Training streams skip those;
 * the held-out list enumerates them with a seed of its own, so the split never depends on the training seed.
 */
final class SyntheticSplit {

    private static final int HELD_OUT_MODULUS = 10;
    private static final int DRAWS_PER_PROMPT = 2_000;

    private SyntheticSplit() {}

    static boolean isHeldOut(String question) {
        CRC32 crc = new CRC32();
        crc.update(question.getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % HELD_OUT_MODULUS == 0;
    }

    /** Endless training prompts from {@code draw}, held-out ones skipped. */
    static PromptStream trainStream(long seed, Function<Random, TaskPrompt> draw, Object task) {
        Random rng = new Random(seed);
        return () -> {
            for (int attempt = 0; attempt < DRAWS_PER_PROMPT; attempt++) {
                TaskPrompt p = draw.apply(rng);
                if (!isHeldOut(p.question())) {
                    return p;
                }
            }
            throw new IllegalStateException("no training problem found in " + DRAWS_PER_PROMPT + " draws: " + task);
        };
    }

    /** The first {@code n} distinct held-out prompts drawn from {@code heldOutSeed}. */
    static List<TaskPrompt> heldOut(int n, long heldOutSeed, Function<Random, TaskPrompt> draw, Object task) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, was " + n);
        }
        Random rng = new Random(heldOutSeed);
        Set<String> seen = new LinkedHashSet<>();
        List<TaskPrompt> prompts = new ArrayList<>(n);
        long budget = (long) DRAWS_PER_PROMPT * Math.max(n, 1);
        for (long draws = 0; prompts.size() < n; draws++) {
            if (draws == budget) {
                throw new IllegalArgumentException("the held-out split of " + task + " has fewer than " + n
                        + " distinct problems (found " + prompts.size() + "): ask for fewer, or widen the task");
            }
            TaskPrompt p = draw.apply(rng);
            if (isHeldOut(p.question()) && seen.add(p.question())) {
                prompts.add(p);
            }
        }
        return prompts;
    }
}
