package dev.aha.runtime.metrics;

import dev.aha.protocol.pipeline.SampledGroup;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongConsumer;
import org.HdrHistogram.Histogram;

/**
 * Weight-sync latency: from the learner publishing a version until a rollout's node holds it verified, measured once
 * per rollout and version, the first time a rollout's group shows a newer version than any recorded for it (a map
 * bounded by the rollouts, not by the run). A replica's first version measures its joining, not a sync.
 */
final class WeightSyncTimes {

    /** Publish times kept: versions older than this are far beyond any staleness bound. */
    private static final int PUBLISHED_KEPT = 64;

    private final long firstVersion;
    private final Histogram micros;
    private final Map<Long, Long> publishedMicros = new HashMap<>();
    private final Map<String, Long> recordedUpTo = new HashMap<>();
    private LongConsumer listener = m -> { };

    WeightSyncTimes(long firstVersion, long maxMicros) {
        this.firstVersion = firstVersion;
        this.micros = new Histogram(maxMicros, 3);
    }

    void listener(LongConsumer listener) {
        this.listener = listener;
    }

    void published(long version, long atMicros) {
        publishedMicros.put(version, atMicros);
        publishedMicros.remove(version - PUBLISHED_KEPT);
    }

    /** @param clamp into the histogram's range (clocks of two nodes may disagree by a little) */
    void arrived(SampledGroup g, java.util.function.LongUnaryOperator clamp) {
        Long published = publishedMicros.get(g.policyVersion());
        if (published != null && g.policyVersion() > firstVersion
                && g.policyVersion() > recordedUpTo.getOrDefault(g.rolloutId(), -1L)) {
            recordedUpTo.put(g.rolloutId(), g.policyVersion());
            long latency = clamp.applyAsLong(g.weightsReceivedMicros() - published);
            micros.recordValue(latency);
            listener.accept(latency);
        }
    }

    Histogram histogram() {
        return micros.copy();
    }
}
