package dev.aha.runtime.grpo;

import com.typesafe.config.Config;

/**
 * The GRPO objective's knobs, and DAPO's changes to what reaches it (dynamic sampling, overlong shaping).
 *
 * @param epsLow lower clip range: ratios below 1 - epsLow stop pulling when A < 0 (0.2 in the paper)
 * @param epsHigh upper clip range: ratios above 1 + epsHigh stop pushing when A > 0 (0.2; DAPO's clip-higher: 0.28)
 * @param beta weight of the k3 KL penalty to the frozen reference (0.04 in DeepSeekMath; 0 turns it off and
 *     skips the reference forward entirely)
 * @param aggregation how per-token terms are averaged
 * @param scaleAdvantagesByStd divide group-centred rewards by the group's std (the paper); Dr. GRPO does not
 * @param advantageEps added to the std before dividing (TRL: 1e-4), so a near-uniform group cannot explode
 * @param drGrpoNormalizer the constant token count Dr. GRPO divides by per sequence: the max completion length
 * @param dropUniformGroups dynamic sampling (DAPO §3.2): a group whose rewards are all equal (every advantage 0) is
 *     dropped before the learner's batch and replaced by another prompt's group
 * @param overlong what a completion's length does to its reward and whether a truncated one is in the loss
 * @param correction how the loss corrects for rollout log-probs that differ from the learner's
 * @param algorithm where advantages come from and which loss trains on them ({@link Algorithm}); with GSPO,
 *     epsLow and epsHigh clip the sequence ratio
 */
public record GrpoSettings(
        double epsLow,
        double epsHigh,
        double beta,
        LossAggregation aggregation,
        boolean scaleAdvantagesByStd,
        double advantageEps,
        int drGrpoNormalizer,
        boolean dropUniformGroups,
        OverlongShaping overlong,
        RolloutCorrection correction,
        Algorithm algorithm) {

    public GrpoSettings {
        requireInRange("epsLow", epsLow, 0, 1);
        requireInRange("epsHigh", epsHigh, 0, 10);
        requireInRange("beta", beta, 0, 100);
        requireInRange("advantageEps", advantageEps, 0, 1);
        if (aggregation == null) {
            throw new IllegalArgumentException("aggregation must be set");
        }
        if (aggregation == LossAggregation.DR_GRPO && scaleAdvantagesByStd) {
            throw new IllegalArgumentException(
                    "aggregation DR_GRPO removes the std normalisation: set scaleAdvantagesByStd = false");
        }
        if (aggregation == LossAggregation.DR_GRPO && drGrpoNormalizer <= 0) {
            throw new IllegalArgumentException(
                    "aggregation DR_GRPO needs drGrpoNormalizer > 0 (the max completion length), was " + drGrpoNormalizer);
        }
        if (overlong == null) {
            throw new IllegalArgumentException("overlong shaping must be set (OverlongShaping.OFF for none)");
        }
        if (correction == null) {
            throw new IllegalArgumentException("rollout correction must be set (RolloutCorrection.NONE for none)");
        }
        if (algorithm == null) {
            throw new IllegalArgumentException("algorithm must be set");
        }
        if (algorithm == Algorithm.GSPO && aggregation != LossAggregation.SEQUENCE_MEAN) {
            throw new IllegalArgumentException("aha.grpo.algorithm = gspo takes one ratio per sequence: "
                    + "aha.grpo.aggregation must be SEQUENCE_MEAN, was " + aggregation);
        }
        if (algorithm == Algorithm.GSPO && correction.corrects()) {
            throw new IllegalArgumentException("aha.grpo.algorithm = gspo takes one ratio per sequence: "
                    + "aha.grpo.rollout-correction (per-token weights) must be none, was " + correction.configName());
        }
    }

    /** GRPO. */
    public GrpoSettings(double epsLow, double epsHigh, double beta, LossAggregation aggregation,
            boolean scaleAdvantagesByStd, double advantageEps, int drGrpoNormalizer, boolean dropUniformGroups,
            OverlongShaping overlong, RolloutCorrection correction) {
        this(epsLow, epsHigh, beta, aggregation, scaleAdvantagesByStd, advantageEps, drGrpoNormalizer,
                dropUniformGroups, overlong, correction, Algorithm.GRPO);
    }

    /** No rollout correction: the ratio is taken to the behaviour policy. */
    public GrpoSettings(double epsLow, double epsHigh, double beta, LossAggregation aggregation,
            boolean scaleAdvantagesByStd, double advantageEps, int drGrpoNormalizer, boolean dropUniformGroups,
            OverlongShaping overlong) {
        this(epsLow, epsHigh, beta, aggregation, scaleAdvantagesByStd, advantageEps, drGrpoNormalizer,
                dropUniformGroups, overlong, RolloutCorrection.NONE);
    }

    /** The objective alone: every group reaches the learner, lengths change no reward. */
    public GrpoSettings(double epsLow, double epsHigh, double beta, LossAggregation aggregation,
            boolean scaleAdvantagesByStd, double advantageEps, int drGrpoNormalizer) {
        this(epsLow, epsHigh, beta, aggregation, scaleAdvantagesByStd, advantageEps, drGrpoNormalizer, false,
                OverlongShaping.OFF);
    }

    /**
     * Reads {@code aha.grpo} (see reference.conf).
     *
     * @param maxNewTokens the sampling cap, Dr. GRPO's normaliser when {@code dr-grpo-normalizer} is 0
     */
    public static GrpoSettings fromConfig(Config grpo, int maxNewTokens) {
        int normalizer = grpo.getInt("dr-grpo-normalizer");
        Algorithm algorithm = Algorithm.of(grpo.getString("algorithm"));
        String clip = algorithm == Algorithm.GSPO ? "gspo." : ""; // GSPO's ratio needs its own, far smaller range
        OverlongShaping overlong = new OverlongShaping(maxNewTokens, grpo.getInt("overlong.buffer"),
                grpo.getDouble("overlong.penalty"), grpo.getBoolean("overlong.filter"));
        return new GrpoSettings(grpo.getDouble(clip + "eps-low"), grpo.getDouble(clip + "eps-high"),
                grpo.getDouble("beta"),
                grpo.getEnum(LossAggregation.class, "aggregation"), grpo.getBoolean("scale-advantages-by-std"),
                grpo.getDouble("advantage-eps"), normalizer > 0 ? normalizer : maxNewTokens,
                grpo.getBoolean("drop-uniform-groups"), overlong,
                RolloutCorrection.of(grpo.getString("rollout-correction"), grpo.getDouble("rollout-correction-cap")),
                algorithm);
    }

    /** The paper's defaults: eps 0.2 both sides, beta 0.04, sequence mean, std scaling; no DAPO changes. */
    public static GrpoSettings paper() {
        return new GrpoSettings(0.2, 0.2, 0.04, LossAggregation.SEQUENCE_MEAN, true, 1e-4, 0);
    }

    /** Whether the learner runs the reference: for a KL term in the loss, or REINFORCE++'s in the reward. */
    public boolean usesReference() {
        return beta > 0;
    }

    /** Whether beta weighs a k3 term of the loss (REINFORCE++ puts its KL in the reward instead). */
    public boolean klInLoss() {
        return beta > 0 && algorithm.klInLoss();
    }

    /** The same objective with {@code c} as its rollout correction. */
    public GrpoSettings withCorrection(RolloutCorrection c) {
        return new GrpoSettings(epsLow, epsHigh, beta, aggregation, scaleAdvantagesByStd, advantageEps,
                drGrpoNormalizer, dropUniformGroups, overlong, c, algorithm);
    }

    /** The same objective trained by {@code a}. */
    public GrpoSettings withAlgorithm(Algorithm a) {
        return new GrpoSettings(epsLow, epsHigh, beta, aggregation, scaleAdvantagesByStd, advantageEps,
                drGrpoNormalizer, dropUniformGroups, overlong, correction, a);
    }

    private static void requireInRange(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + value);
        }
    }
}
