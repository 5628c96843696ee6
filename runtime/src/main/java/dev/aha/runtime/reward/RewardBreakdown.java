package dev.aha.runtime.reward;

import java.util.Map;

/**
 * Each part's unweighted score, in the composite's order, and the weighted total.
 *
 * @param components name -&gt; score, unmodifiable, in part order
 * @param total sum of weight x score
 */
public record RewardBreakdown(Map<String, Double> components, double total) {

    public double component(String name) {
        Double v = components.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no reward component '" + name + "' in " + components.keySet());
        }
        return v;
    }
}
