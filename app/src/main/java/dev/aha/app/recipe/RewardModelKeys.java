package dev.aha.app.recipe;

import static dev.aha.app.recipe.RecipeValues.number;
import static dev.aha.app.recipe.RecipeValues.positive;
import static dev.aha.app.recipe.RecipeValues.string;

import com.typesafe.config.Config;
import java.util.Map;

/**
 * The keys of a stage that concern reward models, read and checked: an rm-train stage's {@code pairs} and
 * {@code count}; a grpo stage's {@code reward-model-from} and {@code general-share}.
 */
record RewardModelKeys(String pairs, Integer count, String rewardModelFrom, Double generalShare) {

    /** Pairs an rm-train stage generates when it does not say. */
    static final int DEFAULT_PAIRS = 2000;

    /**
     * @param hasData whether the stage names a data file
     * @param prompts the stage's {@code prompts}, or null
     */
    static RewardModelKeys read(StageKind kind, Config block, String where, boolean hasData, Integer prompts,
            Map<String, Stage> byName) {
        if (kind == StageKind.RM_TRAIN) {
            String pairs = block.hasPath("pairs") ? string(block, "pairs", where) : null;
            if (hasData == (pairs != null)) {
                throw new IllegalArgumentException(where + ": an rm-train stage needs pairs = " + Stage.TASK_PAIRS
                        + " | " + Stage.GENERAL_PAIRS + " (generated) or data = FILE (TRL's preference lines), not "
                        + (hasData ? "both" : "neither"));
            }
            if (pairs != null && !pairs.equals(Stage.TASK_PAIRS) && !pairs.equals(Stage.GENERAL_PAIRS)) {
                throw new IllegalArgumentException(where + ": pairs must be " + Stage.TASK_PAIRS + " (the task's worked "
                        + "solutions) or " + Stage.GENERAL_PAIRS + " (synthetic general requests), was '" + pairs + "'");
            }
            Integer count = positive(block, "count", where);
            if (count != null && hasData) {
                throw new IllegalArgumentException(where + ": count is the number of pairs generated; a data file "
                        + "has its own");
            }
            return new RewardModelKeys(pairs, pairs == null ? null : count == null ? DEFAULT_PAIRS : count, null,
                    null);
        }
        if (kind != StageKind.GRPO) {
            return new RewardModelKeys(null, null, null, null);
        }
        String from = null;
        if (block.hasPath("reward-model-from")) {
            from = string(block, "reward-model-from", where);
            Stage target = byName.get(from);
            if (target == null) {
                throw new IllegalArgumentException(where + ": reward-model-from = " + from + " names no earlier stage");
            }
            if (!target.kind().writesRewardModel()) {
                throw new IllegalArgumentException(where + ": reward-model-from = " + from + " names a "
                        + target.kind().label() + " stage, which writes no reward model (rm-train does)");
            }
        }
        Double share = null;
        if (block.hasPath("general-share")) {
            share = number(block, "general-share", where);
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException(where + ": general-share must be in [0, 1], was " + share);
            }
            if (from == null) {
                throw new IllegalArgumentException(where + ": general-share mixes in general requests that only a "
                        + "reward model rewards: give reward-model-from = an rm-train stage");
            }
        } else if (prompts != null) {
            throw new IllegalArgumentException(where + ": prompts on a grpo stage sizes its mixed dataset: give "
                    + "general-share too");
        }
        return new RewardModelKeys(null, null, from, share);
    }
}
