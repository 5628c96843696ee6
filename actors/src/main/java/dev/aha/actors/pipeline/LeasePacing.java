package dev.aha.actors.pipeline;

import java.util.HashMap;
import java.util.Map;

/**
 * aha.train.staleness = pace: whether a lease granted now would bring its group back within max-staleness versions.
 * A group sampled at the rollout's version v is used at the learner's version u + ahead, where u is the learner's
 * version now and ahead the steps the learner takes before it, estimated from what the dispatcher knows:
 *
 * <pre>
 *   ahead     = max(open / batchGroups,                      batches the leases already out make first
 *                   floor(leaseSeconds / secondsPerStep))    the learner's steps in a lease's lifetime
 *   grant iff open &lt; batchGroups  or  (u - v) + ahead &lt;= maxStaleness
 * </pre>
 *
 * Both rates are running means (the lifetime from grant to close, the step time from the learner's version
 * announcements) and count only once measured. A batch's worth of leases always goes out: the learner cannot step,
 * so no lease can age, without one.
 */
final class LeasePacing {

    /** Weight of the newest observation in each running mean. */
    private static final double NEWEST = 0.25;

    private final int batchGroups;
    private final int maxStaleness;
    private final Map<Long, Long> grantedAt = new HashMap<>();
    private double leaseSeconds = Double.NaN;
    private double secondsPerStep = Double.NaN;
    private long lastStepNanos = Long.MIN_VALUE;

    LeasePacing(int batchGroups, int maxStaleness) {
        this.batchGroups = batchGroups;
        this.maxStaleness = maxStaleness;
    }

    /** Whether a lease for a rollout at {@code rolloutVersion} may go out now, with {@code open} leases out. */
    boolean allows(long learnerVersion, long rolloutVersion, int open) {
        return open < batchGroups || Math.max(0, learnerVersion - rolloutVersion) + ahead(open) <= maxStaleness;
    }

    /** The learner's steps before a lease granted now is used. */
    long ahead(int open) {
        long byCount = open / batchGroups;
        long byTime = Double.isNaN(leaseSeconds) || Double.isNaN(secondsPerStep) || secondsPerStep <= 0 ? 0
                : (long) Math.floor(leaseSeconds / secondsPerStep);
        return Math.max(byCount, byTime);
    }

    void granted(long promptId, long nanos) {
        grantedAt.put(promptId, nanos);
    }

    void closed(long promptId, long nanos) {
        Long from = grantedAt.remove(promptId);
        if (from != null) {
            leaseSeconds = mean(leaseSeconds, (nanos - from) / 1e9);
        }
    }

    /** The learner announced a new version: one step's time is measured from the one before. */
    void stepped(long nanos) {
        if (lastStepNanos != Long.MIN_VALUE) {
            secondsPerStep = mean(secondsPerStep, (nanos - lastStepNanos) / 1e9);
        }
        lastStepNanos = nanos;
    }

    private static double mean(double running, double x) {
        return Double.isNaN(running) ? x : (1 - NEWEST) * running + NEWEST * x;
    }
}
