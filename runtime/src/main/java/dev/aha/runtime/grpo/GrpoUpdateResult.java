package dev.aha.runtime.grpo;

/**
 * @param loss the GRPO loss before the step
 * @param gradNorm global gradient norm before clipping
 * @param diagnostics KL, clip fractions, ratio and advantage means
 * @param sequences completions in the batch
 * @param optimizerSkipped whether the optimiser skipped the update (its gradient was not finite): the weights did not
 *     move
 * @param mismatch how far the rollouts' behaviour log-probs were from the learner's before the update
 */
public record GrpoUpdateResult(float loss, float gradNorm, GrpoDiagnostics diagnostics, int sequences,
        boolean optimizerSkipped, RolloutMismatch mismatch) {

    /** No update: the batch had no completion in the loss (overlong filtering masked them all). */
    public static final GrpoUpdateResult NONE =
            new GrpoUpdateResult(0f, 0f, new GrpoDiagnostics(0f, 0f, 0f, 0f, 0f, 0), 0);

    /** A result whose log-probs were not compared with the rollouts' (a simulation). */
    public GrpoUpdateResult(float loss, float gradNorm, GrpoDiagnostics diagnostics, int sequences,
            boolean optimizerSkipped) {
        this(loss, gradNorm, diagnostics, sequences, optimizerSkipped, RolloutMismatch.NONE);
    }

    /** An update the optimiser took. */
    public GrpoUpdateResult(float loss, float gradNorm, GrpoDiagnostics diagnostics, int sequences) {
        this(loss, gradNorm, diagnostics, sequences, false);
    }
}
