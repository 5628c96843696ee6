package dev.aha.runtime.reward;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The scores of one completion: each component's raw (unweighted) score, keyed by {@link RewardFunction#name()}
 * in the order of the composite's parts, and the weighted total that becomes r_i. The components are what the
 * metrics log per reward ({@code rewards/accuracy}, ...); the total is what advantages are computed from.
 *
 * @param components raw component scores in part order; copied into an unmodifiable, order-preserving map
 * @param total      the weighted sum of the components
 */
public record RewardBreakdown(Map<String, Double> components, double total) {
    public RewardBreakdown {
        Objects.requireNonNull(components, "components");
        // Map.copyOf would lose the part order that charts and logs rely on.
        components = Collections.unmodifiableMap(new LinkedHashMap<>(components));
    }
}
