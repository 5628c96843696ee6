package dev.aha.runtime.eval;

/**
 * Held-out figures of one policy, in the R1 paper's terms.
 *
 * @param prompts held-out prompts evaluated
 * @param k samples per prompt
 * @param pass1 pass@1 estimated from k samples per prompt at the sampling temperature: mean share correct
 * @param greedyAccuracy share of prompts answered correctly by greedy decoding (NaN when not decoded)
 * @param consK cons@k: share of prompts whose majority-vote answer over the k samples is correct (NaN for code
 *     tasks, whose programs have no answer to vote on)
 * @param formatRate share of samples in the exact think/answer format
 * @param meanCompletionTokens mean sampled completion length in tokens
 * @param toolCallsPerSample mean tool calls of a sampled episode (NaN for a single-turn task)
 * @param passAtK the unbiased pass@j for j = 1..k at index j - 1, averaged over prompts ({@link PassAtK}); empty
 *     where not measured (figures read back from an older record)
 */
public record EvalResult(
        int prompts, int k, double pass1, double greedyAccuracy, double consK, double formatRate,
        double meanCompletionTokens, double toolCallsPerSample, double[] passAtK) {

    private static final double[] NOT_MEASURED = new double[0];

    public EvalResult {
        passAtK = passAtK == null ? NOT_MEASURED : passAtK;
    }

    /** Figures are equal when every figure is, pass@k's included (a record compares arrays by identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof EvalResult r && prompts == r.prompts && k == r.k
                && Double.compare(pass1, r.pass1) == 0 && Double.compare(greedyAccuracy, r.greedyAccuracy) == 0
                && Double.compare(consK, r.consK) == 0 && Double.compare(formatRate, r.formatRate) == 0
                && Double.compare(meanCompletionTokens, r.meanCompletionTokens) == 0
                && Double.compare(toolCallsPerSample, r.toolCallsPerSample) == 0
                && java.util.Arrays.equals(passAtK, r.passAtK);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(prompts, k, pass1, greedyAccuracy, consK, formatRate, meanCompletionTokens,
                toolCallsPerSample, java.util.Arrays.hashCode(passAtK));
    }

    /** Figures without pass@k. */
    public EvalResult(int prompts, int k, double pass1, double greedyAccuracy, double consK, double formatRate,
            double meanCompletionTokens, double toolCallsPerSample) {
        this(prompts, k, pass1, greedyAccuracy, consK, formatRate, meanCompletionTokens, toolCallsPerSample, null);
    }

    /** The unbiased pass@j; refused in one line unless 1 &lt;= j &lt;= k. */
    public double passAt(int j) {
        if (j <= 0 || j > k) {
            throw new IllegalArgumentException("pass@k needs 1 <= k <= n (n = " + k + " samples per prompt), was k = "
                    + j);
        }
        if (passAtK.length < j) {
            throw new IllegalStateException("pass@" + j + " was not measured");
        }
        return passAtK[j - 1];
    }

    /** The figures of a single-turn task. */
    public EvalResult(int prompts, int k, double pass1, double greedyAccuracy, double consK, double formatRate,
            double meanCompletionTokens) {
        this(prompts, k, pass1, greedyAccuracy, consK, formatRate, meanCompletionTokens, Double.NaN);
    }
}
