package dev.aha.runtime.grpo;

import java.util.Locale;

/**
 * The policy-gradient algorithm a run trains with ({@code aha.grpo.algorithm}): where its advantage comes from and
 * which loss turns it into a gradient. Each names the class that reads like its paper.
 */
public enum Algorithm {
    /** Group-normalised advantage ({@link GroupAdvantages}), token-level clipped surrogate ({@link GrpoLoss}). */
    GRPO("grpo"),
    /** Group-normalised advantage, sequence-level length-normalised ratio clipped per sequence ({@link GspoLoss}). */
    GSPO("gspo"),
    /** Leave-one-out baseline ({@link LeaveOneOutAdvantages}), the token surrogate of {@link GrpoLoss}. */
    RLOO("rloo"),
    /** Outcome reward with the KL in the reward, normalised over the batch ({@link ReinforcePlusPlus}). */
    REINFORCE_PP("reinforce-pp");

    private final String configName;

    Algorithm(String configName) {
        this.configName = configName;
    }

    /** The name as the configuration writes it. */
    public String configName() {
        return configName;
    }

    /** Reads {@code grpo | gspo | rloo | reinforce-pp}. */
    public static Algorithm of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Algorithm a : values()) {
            if (a.configName.equals(n)) {
                return a;
            }
        }
        throw new IllegalArgumentException(
                "aha.grpo.algorithm must be grpo, gspo, rloo or reinforce-pp, was '" + name + "'");
    }

    /**
     * One group's advantages, as the reward side computes them. REINFORCE++ hands on the outcome rewards themselves:
     * its baseline is the batch's, and its KL part needs the reference, both known only to the learner.
     */
    public float[] groupAdvantages(double[] rewards, GrpoSettings grpo) {
        return switch (this) {
            case GRPO, GSPO -> GroupAdvantages.compute(rewards, grpo.scaleAdvantagesByStd(), grpo.advantageEps());
            case RLOO -> LeaveOneOutAdvantages.compute(rewards);
            case REINFORCE_PP -> ReinforcePlusPlus.outcomes(rewards);
        };
    }

    /** Whether beta weighs a KL term in the loss (else, with REINFORCE++, a KL penalty in the reward). */
    public boolean klInLoss() {
        return this != REINFORCE_PP;
    }
}
