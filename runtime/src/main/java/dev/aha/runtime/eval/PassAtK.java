package dev.aha.runtime.eval;

/**
 * The unbiased pass@k estimator (Chen et al. 2021, "Evaluating Large Language Models Trained on Code", eq. 1): with
 * n samples of a prompt of which c are correct, the chance that k of them drawn without replacement hold a correct one,
 *
 * <pre>
 *   pass@k = 1 - C(n - c, k) / C(n, k) = 1 - prod_{i = n - c + 1}^{n} (1 - k / i)
 * </pre>
 *
 * computed as the paper's product: binomials of a few hundred samples overflow a double, the product never does.
 */
public final class PassAtK {

    private PassAtK() {}

    public static double estimate(int n, int c, int k) {
        if (k <= 0 || k > n) {
            throw new IllegalArgumentException("pass@k needs 1 <= k <= n (n = " + n + " samples per prompt), was k = "
                    + k);
        }
        if (c < 0 || c > n) {
            throw new IllegalArgumentException("correct samples must be in 0.." + n + ", was " + c);
        }
        if (n - c < k) {
            return 1.0; // every draw of k holds a correct sample
        }
        double allWrong = 1.0;
        for (int i = n - c + 1; i <= n; i++) {
            allWrong *= 1.0 - (double) k / i;
        }
        return 1.0 - allWrong;
    }

    /** pass@1 .. pass@n of one prompt, index j - 1 for pass@j. */
    public static double[] every(int n, int c) {
        double[] out = new double[n];
        for (int k = 1; k <= n; k++) {
            out[k - 1] = estimate(n, c, k);
        }
        return out;
    }
}
