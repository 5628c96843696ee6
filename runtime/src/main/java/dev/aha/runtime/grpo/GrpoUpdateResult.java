package dev.aha.runtime.grpo;

/**
 * @param loss the GRPO loss before the step
 * @param gradNorm global gradient norm before clipping
 * @param diagnostics KL, clip fractions, ratio and advantage means
 * @param sequences completions in the batch
 */
public record GrpoUpdateResult(float loss, float gradNorm, GrpoDiagnostics diagnostics, int sequences) {

    /** No update: the batch had no completion in the loss (overlong filtering masked them all). */
    public static final GrpoUpdateResult NONE =
            new GrpoUpdateResult(0f, 0f, new GrpoDiagnostics(0f, 0f, 0f, 0f, 0f, 0), 0);
}
