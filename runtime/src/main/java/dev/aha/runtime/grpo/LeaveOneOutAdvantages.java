package dev.aha.runtime.grpo;

/**
 * RLOO's advantage (Ahmadian et al. 2024, "Back to Basics", eq. 8; Kool et al. 2019): each completion's baseline is
 * the mean reward of the other G - 1 completions of its prompt,
 *
 * <pre>
 *   A_i = r_i - 1/(G-1) * sum_{j != i} r_j        ( = G/(G-1) * (r_i - mean(r)) )
 * </pre>
 *
 * an unbiased baseline since it does not depend on y_i. No std division: the paper has none.
 */
public final class LeaveOneOutAdvantages {

    private LeaveOneOutAdvantages() {}

    public static float[] compute(double[] rewards) {
        int g = rewards.length;
        if (g < 2) {
            throw new IllegalArgumentException("RLOO needs at least 2 completions per prompt, had " + g);
        }
        double sum = 0;
        for (double r : rewards) {
            if (!Double.isFinite(r)) {
                throw new IllegalArgumentException("reward is not finite: " + r);
            }
            sum += r;
        }
        float[] advantages = new float[g];
        if (GroupAdvantages.isUniform(rewards)) {
            return advantages; // exactly zero, as GRPO's: rounding must not invent a signal
        }
        for (int i = 0; i < g; i++) {
            advantages[i] = (float) (rewards[i] - (sum - rewards[i]) / (g - 1));
        }
        return advantages;
    }
}
