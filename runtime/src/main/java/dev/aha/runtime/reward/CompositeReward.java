package dev.aha.runtime.reward;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reward r_i of GRPO: a weighted sum of rule-based rewards (accuracy + format, optionally + language
 * consistency), with each component kept apart for the metrics.
 *
 * <p>Bad configuration fails here, in the constructor, with a message naming the part: an empty list, a null part or
 * function, a blank name, a weight that is NaN, infinite or negative, or two parts with the same name (their components would
 * collide in the breakdown). A weight of 0 is allowed: the component is still computed and logged.
 *
 * <p>An exception thrown by a part propagates unchanged: deciding what a failed reward is worth (the reward actor
 * scores 0 and counts the failure) belongs to the caller, which can see and count it; swallowing it here would hide
 * it.
 */
public final class CompositeReward implements RewardFunction {
    public static final String NAME = "composite";

    private final List<WeightedReward> parts;
    private final RewardRange range;

    public CompositeReward(List<WeightedReward> parts) {
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("a composite reward needs at least one part, got " + parts);
        }
        Set<String> names = new HashSet<>();
        double min = 0.0;
        double max = 0.0;
        for (int i = 0; i < parts.size(); i++) {
            WeightedReward part = parts.get(i);
            if (part == null || part.function() == null) {
                throw new IllegalArgumentException("part " + i + " has no reward function: " + part);
            }
            String name = part.function().name();
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("part " + i + " has a blank reward name: " + part.function());
            }
            double weight = part.weight();
            if (!Double.isFinite(weight) || weight < 0.0) {
                throw new IllegalArgumentException(
                        "part " + i + " ('" + name + "') needs a finite weight >= 0, got " + weight);
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("part " + i + " repeats the reward name '" + name
                        + "'; names key the breakdown and must be unique");
            }
            // Weights are non-negative, so the extremes of the sum are the weighted extremes of the parts.
            min += weight * part.function().range().min();
            max += weight * part.function().range().max();
        }
        this.parts = List.copyOf(parts);
        this.range = new RewardRange(min, max);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The weighted sum of the parts' ranges. */
    @Override
    public RewardRange range() {
        return range;
    }

    public List<WeightedReward> parts() {
        return parts;
    }

    /** Each part's raw score, in part order, and their weighted sum. */
    public RewardBreakdown evaluate(RewardInput input) {
        return sum(input, null, 0.0);
    }

    /**
     * {@link #evaluate} with the score of {@code known} (one of the parts) given: a code reward's run, which must not
     * run twice; the other parts are computed.
     */
    public RewardBreakdown evaluateWith(RewardInput input, RewardFunction known, double knownScore) {
        if (parts.stream().noneMatch(p -> p.function() == known)) {
            throw new IllegalArgumentException(known.name() + " is not a part of this composite");
        }
        return sum(input, known, knownScore);
    }

    private RewardBreakdown sum(RewardInput input, RewardFunction known, double knownScore) {
        Map<String, Double> components = new LinkedHashMap<>();
        double total = 0.0;
        for (WeightedReward part : parts) {
            double score = part.function() == known ? knownScore : part.function().score(input);
            components.put(part.function().name(), score);
            total += part.weight() * score;
        }
        return new RewardBreakdown(components, total);
    }

    /** Same as {@code evaluate(input).total()}. */
    @Override
    public double score(RewardInput input) {
        return evaluate(input).total();
    }
}
