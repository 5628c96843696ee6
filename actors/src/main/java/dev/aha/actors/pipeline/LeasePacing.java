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
 *                   ceil(leaseSeconds / secondsPerStep))     the learner's steps in a lease's lifetime
 *   grant iff open &lt; batchGroups  or  (u - v) + ahead &lt;= maxStaleness
 * </pre>
 *
 * Both rates are running means (the lifetime from grant to close, the step time from the learner's version
 * announcements) and count only once measured. The lifetime's steps round up: groups finish out of order, and a
 * lease that lives 2.4 steps on average is used 3 versions on about as often as 2; a default in-flight bound of
 * (max-staleness + 1) batches already keeps the count term within the bound, so this is where pace differs from
 * drop. A batch's worth of leases always goes out: the learner cannot step,
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
    /** Leases closed as used since the learner's last version announcement. */
    private int usedSinceVersion;

    LeasePacing(int batchGroups, int maxStaleness) {
        this.batchGroups = batchGroups;
        this.maxStaleness = maxStaleness;
    }

    /**
     * Whether a lease for a rollout at {@code rolloutVersion} may go out now, with {@code open} leases out. The
     * learner closes a batch's leases just before it announces the version the batch made: the first lease closed
     * as used since the last announcement is already that step (one more per batch's worth).
     */
    boolean allows(long learnerVersion, long rolloutVersion, int open) {
        long learner = learnerVersion + (usedSinceVersion + batchGroups - 1) / batchGroups;
        return open < batchGroups || Math.max(0, learner - rolloutVersion) + ahead(open) <= maxStaleness;
    }

    /** The learner's steps before a lease granted now is used. */
    long ahead(int open) {
        long byCount = open / batchGroups;
        long byTime = Double.isNaN(leaseSeconds) || Double.isNaN(secondsPerStep) || secondsPerStep <= 0 ? 0
                : (long) Math.ceil(leaseSeconds / secondsPerStep - 1e-9);
        return Math.max(byCount, byTime);
    }

    void granted(long promptId, long nanos) {
        grantedAt.put(promptId, nanos);
    }

    /** @param used whether the learner trained on the group (else it was dropped) */
    void closed(long promptId, long nanos, boolean used) {
        usedSinceVersion += used ? 1 : 0;
        Long from = grantedAt.remove(promptId);
        if (from != null) {
            leaseSeconds = mean(leaseSeconds, (nanos - from) / 1e9);
        }
    }

    /** The learner announced a new version: one step's time is measured from the one before. */
    void stepped(long nanos) {
        usedSinceVersion = 0;
        if (lastStepNanos != Long.MIN_VALUE) {
            secondsPerStep = mean(secondsPerStep, (nanos - lastStepNanos) / 1e9);
        }
        lastStepNanos = nanos;
    }

    private static double mean(double running, double x) {
        return Double.isNaN(running) ? x : (1 - NEWEST) * running + NEWEST * x;
    }
}
