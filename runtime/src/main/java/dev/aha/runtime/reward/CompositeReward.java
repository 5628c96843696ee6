package dev.aha.runtime.reward;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The weighted sum R1 trains on: e.g. accuracy + format (+ language consistency). A part that throws is not
 * caught here: the reward actor counts the failure and scores the completion 0, so one bad rule never kills
 * training and never goes unnoticed.
 */
public final class CompositeReward implements RewardFunction {

    private final List<WeightedReward> parts;
    private final RewardRange range;

    public CompositeReward(List<WeightedReward> parts) {
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("a composite reward needs at least one part");
        }
        Set<String> names = new HashSet<>();
        double min = 0;
        double max = 0;
        for (WeightedReward p : parts) {
            if (!names.add(p.function().name())) {
                throw new IllegalArgumentException("reward '" + p.function().name() + "' appears twice");
            }
            min += p.weight() * p.function().range().min();
            max += p.weight() * p.function().range().max();
        }
        this.parts = List.copyOf(parts);
        this.range = new RewardRange(min, max);
    }

    public List<WeightedReward> parts() {
        return parts;
    }

    @Override
    public String name() {
        return "reward";
    }

    @Override
    public RewardRange range() {
        return range;
    }

    @Override
    public double score(RewardInput input) {
        return evaluate(input).total();
    }

    public RewardBreakdown evaluate(RewardInput input) {
        Map<String, Double> components = new LinkedHashMap<>();
        double total = 0;
        for (WeightedReward p : parts) {
            double s = p.function().score(input);
            components.put(p.function().name(), s);
            total += p.weight() * s;
        }
        return new RewardBreakdown(Collections.unmodifiableMap(components), total);
    }
}
