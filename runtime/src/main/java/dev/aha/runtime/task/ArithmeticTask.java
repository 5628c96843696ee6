package dev.aha.runtime.task;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Synthetic arithmetic: expressions like {@code 7+2-5} with exact integer answers and worked solutions, drawn
 * from a seeded RNG. The question is the bare expression.
 *
 * <p>Held-out split, disjoint by construction: an expression is held out when the CRC32 of its text is 0 mod 10
 * (about a tenth of the problem space). Training streams skip those; {@link #heldOut} enumerates them with a fixed
 * seed of its own, so the split never depends on the training seed.
 */
public final class ArithmeticTask implements Task {

    private static final int HELD_OUT_MODULUS = 10;
    private static final long HELD_OUT_SEED = 0x5EED_0F_E7A1L;
    private static final int DRAWS_PER_PROMPT = 2_000;

    private final ArithmeticSettings settings;

    public ArithmeticTask(ArithmeticSettings settings) {
        this.settings = settings;
    }

    public ArithmeticSettings settings() {
        return settings;
    }

    @Override
    public String name() {
        return "arithmetic";
    }

    @Override
    public String referenceAnswer(String datasetAnswer) {
        return datasetAnswer.trim();
    }

    @Override
    public PromptStream trainStream(long seed) {
        Random rng = new Random(seed);
        return () -> {
            for (int attempt = 0; attempt < DRAWS_PER_PROMPT; attempt++) {
                ArithmeticProblem p = draw(rng);
                if (!isHeldOut(p.expression())) {
                    return prompt(p);
                }
            }
            throw new IllegalStateException("no training problem found in " + DRAWS_PER_PROMPT + " draws: " + settings);
        };
    }

    @Override
    public List<TaskPrompt> heldOut(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, was " + n);
        }
        Random rng = new Random(HELD_OUT_SEED);
        Set<String> seen = new LinkedHashSet<>();
        List<TaskPrompt> prompts = new ArrayList<>(n);
        long budget = (long) DRAWS_PER_PROMPT * Math.max(n, 1);
        for (long draws = 0; prompts.size() < n; draws++) {
            if (draws == budget) {
                throw new IllegalArgumentException("the held-out split of " + settings + " has fewer than " + n
                        + " distinct problems (found " + prompts.size() + "): ask for fewer, or widen the task");
            }
            ArithmeticProblem p = draw(rng);
            if (isHeldOut(p.expression()) && seen.add(p.expression())) {
                prompts.add(prompt(p));
            }
        }
        return prompts;
    }

    /** Whether an expression belongs to the held-out split. */
    public static boolean isHeldOut(String expression) {
        CRC32 crc = new CRC32();
        crc.update(expression.getBytes(StandardCharsets.US_ASCII));
        return crc.getValue() % HELD_OUT_MODULUS == 0;
    }

    private ArithmeticProblem draw(Random rng) {
        int bound = (int) Math.pow(10, settings.maxDigits());
        while (true) {
            int terms = settings.minTerms() + rng.nextInt(settings.maxTerms() - settings.minTerms() + 1);
            long[] operands = new long[terms];
            char[] operators = new char[terms - 1];
            for (int i = 0; i < terms; i++) {
                operands[i] = rng.nextInt(bound);
            }
            for (int i = 0; i < operators.length; i++) {
                operators[i] = settings.operators().charAt(rng.nextInt(settings.operators().length()));
            }
            ArithmeticProblem p = ArithmeticProblem.of(operands, operators);
            if (settings.allowNegativeResults() || !p.anyNegativeStep()) {
                return p;
            }
        }
    }

    private static TaskPrompt prompt(ArithmeticProblem p) {
        return new TaskPrompt("arithmetic/" + p.expression(), p.expression(), Long.toString(p.value()), p.solution());
    }
}
