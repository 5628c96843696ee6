package dev.aha.app.recipe;

import dev.aha.runtime.eval.EvalResult;
import java.nio.file.Path;

/**
 * What a stage starts from, taken from the outputs of the stages it names.
 *
 * @param checkpoint the checkpoint of its {@code from} stage; null for the initial policy
 * @param figures that checkpoint's held-out figures; null when not measured (the initial policy)
 * @param samples the samples file of its {@code samples-from} stage (reject), else null
 * @param sftData the SFT data of its {@code data-from} stage (sft), else null
 * @param rewardModel the reward model of its {@code reward-model-from} stage (grpo), else null
 */
record StageInput(Path checkpoint, EvalResult figures, Path samples, Path sftData, Path rewardModel) {}
