package dev.aha.actors.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When each recent weight version reached this rollout's node, and how a completion's per-token versions travel.
 * Under in-flight updates a group finishes under a newer version than its oldest token's; its weight-sync latency
 * is measured for the oldest, whose arrival is looked up here.
 */
final class VersionArrivals {

    /** Versions remembered: far more than any staleness bound lets a group span. */
    private static final int KEPT = 64;

    private final Map<Long, Long> receivedMicros = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > KEPT;
        }
    };
    private long latestMicros;

    void record(long version, long micros) {
        receivedMicros.put(version, micros);
        latestMicros = micros;
    }

    /** When {@code version} arrived, or the latest arrival if it is no longer remembered. */
    long receivedMicros(long version) {
        return receivedMicros.getOrDefault(version, latestMicros);
    }

    /**
     * A completion's per-token versions as (version, first token) pairs, or an empty row when every token came from
     * {@code oldest} (the group's version): what {@code SampledGroup.versionSpans} carries. A group's G sequences
     * start in one step, so each completion's first token has the group's oldest version.
     */
    static long[] spans(long[] versions, long oldest) {
        if (versions.length == 0 || versions[versions.length - 1] == oldest) {
            return new long[0]; // versions only grow along a completion
        }
        if (versions[0] != oldest) {
            throw new IllegalStateException("a completion starts at v" + versions[0] + ", not its group's v" + oldest);
        }
        List<Long> pairs = new ArrayList<>();
        for (int t = 0; t < versions.length; t++) {
            if (t == 0 || versions[t] != versions[t - 1]) {
                pairs.add(versions[t]);
                pairs.add((long) t);
            }
        }
        return pairs.stream().mapToLong(Long::longValue).toArray();
    }
}
