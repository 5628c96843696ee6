package dev.aha.runtime.task;

import java.util.List;
import java.util.Random;

/**
 * Synthetic arithmetic: expressions like {@code 7+2-5} with exact integer answers and worked solutions, drawn
 * from a seeded RNG. The question is the bare expression.
 *
 * <p>Held-out split, disjoint by construction ({@link SyntheticSplit}): an expression is held out when the CRC32 of
 * its text is 0 mod 10 (about a tenth of the problem space), enumerated with a fixed seed of its own.
 */
public final class ArithmeticTask implements Task {

    private static final long HELD_OUT_SEED = 0x5EED_0F_E7A1L;

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
        return SyntheticSplit.trainStream(seed, rng -> prompt(draw(rng)), settings);
    }

    @Override
    public List<TaskPrompt> heldOut(int n) {
        return SyntheticSplit.heldOut(n, HELD_OUT_SEED, rng -> prompt(draw(rng)), settings);
    }

    /** Whether an expression belongs to the held-out split. */
    public static boolean isHeldOut(String expression) {
        return SyntheticSplit.isHeldOut(expression);
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
