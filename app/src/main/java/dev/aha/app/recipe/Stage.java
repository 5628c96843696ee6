package dev.aha.app.recipe;

import com.typesafe.config.Config;
import dev.aha.runtime.rejection.PromptSelection;
import java.nio.file.Path;

/**
 * One stage of a recipe, as written and checked by {@link Recipe}; unset optional keys are null.
 *
 * @param index place in the recipe, from 0
 * @param name unique, folder-safe
 * @param kind what it does
 * @param block the stage's whole block, as written (its fingerprint)
 * @param config its {@code config} block: aha.* settings over the recipe's (empty when absent)
 * @param from the stage whose checkpoint it starts from, or {@link Recipe#INITIAL}: given, or the previous stage
 *     (the first stage: the initial policy). A stage that does not train passes this checkpoint on.
 * @param steps SFT steps (sft, distill's student)
 * @param minutes RL wall time (grpo); the SFT's time limit (sft, distill's student: with steps, whichever ends
 *     first; without, as many steps as fit)
 * @param k completions per prompt (sampling)
 * @param prompts training prompts sampled
 * @param split which prompts are sampled
 * @param seed seeds the sampling and the student's data order
 * @param data a file of {prompt, completion} lines (sft)
 * @param dataFrom the stage whose kept data an sft stage trains on
 * @param samplesFrom the stage whose samples a reject stage filters (given, or the nearest earlier one)
 * @param studentPath a Hugging Face model directory or a HOCON file (distill)
 * @param studentConfig aha.* overrides for the student (distill's {@code student { ... }})
 * @param pairs what an rm-train stage generates its preference pairs from: {@link #TASK_PAIRS} or
 *     {@link #GENERAL_PAIRS} (null with {@code data})
 * @param count pairs an rm-train stage generates
 * @param rewardModelFrom the rm-train stage whose reward model a grpo stage rewards with (aha.reward.model.path)
 * @param generalShare a grpo stage trains on a mixed dataset of {@code prompts} rows, this share of them synthetic
 *     general requests for the reward model and the rest the task's problems for the rules; null: the task alone
 */
public record Stage(int index, String name, StageKind kind, Config block, Config config, String from,
        Integer steps, Double minutes, Integer k, Integer prompts, PromptSelection.Split split, Long seed,
        Path data, String dataFrom, String samplesFrom, Path studentPath, Config studentConfig, String pairs,
        Integer count, String rewardModelFrom, Double generalShare) {

    /** {@code pairs = task}: the recipe task's worked solutions, one step made wrong in the rejected side. */
    public static final String TASK_PAIRS = "task";
    /** {@code pairs = general}: synthetic general requests with a better and a worse reply. */
    public static final String GENERAL_PAIRS = "general";

    /** Its folder under the pipeline's output: {@code NN-name}, numbered from 01. */
    public String folder() {
        return String.format("%02d-%s", index + 1, name);
    }

    /** "stage 3 'rejection'": how messages name it. */
    public String where() {
        return "stage " + (index + 1) + " '" + name + "'";
    }
}
