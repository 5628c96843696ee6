package dev.aha.runtime.grpo;

/**
 * @param loss the GRPO loss before the step
 * @param gradNorm global gradient norm before clipping
 * @param diagnostics KL, clip fractions, ratio and advantage means
 * @param sequences completions in the batch
 */
public record GrpoUpdateResult(float loss, float gradNorm, GrpoDiagnostics diagnostics, int sequences) {}
