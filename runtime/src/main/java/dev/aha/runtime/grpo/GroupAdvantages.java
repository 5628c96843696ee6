package dev.aha.runtime.grpo;

/**
 * Group-relative advantages: A_i = (r_i - mean(r)) / (std(r) + eps), shared by every token of completion i.
 * std is the sample standard deviation (Bessel-corrected, as torch.std and TRL). A group whose rewards are all equal
 * gets A = 0 everywhere: it carries no signal.
 */
public final class GroupAdvantages {

    private GroupAdvantages() {}

    public static float[] compute(double[] rewards, boolean scaleByStd, double eps) {
        int g = rewards.length;
        if (g < 2) {
            throw new IllegalArgumentException("a group needs at least 2 completions, had " + g);
        }
        double mean = 0;
        for (double r : rewards) {
            if (!Double.isFinite(r)) {
                throw new IllegalArgumentException("reward is not finite: " + r);
            }
            mean += r;
        }
        if (isUniform(rewards)) {
            return new float[g]; // exactly zero: the mean's rounding must not invent a signal
        }
        mean /= g;
        double squares = 0;
        for (double r : rewards) {
            squares += (r - mean) * (r - mean);
        }
        double std = Math.sqrt(squares / (g - 1));
        float[] advantages = new float[g];
        for (int i = 0; i < g; i++) {
            double centred = rewards[i] - mean;
            advantages[i] = (float) (scaleByStd ? centred / (std + eps) : centred);
        }
        return advantages;
    }

    /** True when every reward is the same, so every advantage is zero (dynamic sampling may drop the group). */
    public static boolean isUniform(double[] rewards) {
        for (double r : rewards) {
            if (r != rewards[0]) {
                return false;
            }
        }
        return true;
    }
}
