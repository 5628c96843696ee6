/**
 * DeepSeek-R1's rejection sampling, the stage between reasoning RL and the second SFT: sample k completions per
 * prompt from a checkpoint and score them with the training rewards ({@link dev.aha.runtime.rejection.RejectionSampler},
 * written resumably by {@link dev.aha.runtime.rejection.SampleFile}), then keep the correct, well-formed, readable,
 * distinct ones as SFT data ({@link dev.aha.runtime.rejection.RejectionFilter}, its rules
 * {@link dev.aha.runtime.rejection.RejectionRule}). {@code aha sample} and {@code aha reject} put them to work.
 */
package dev.aha.runtime.rejection;
