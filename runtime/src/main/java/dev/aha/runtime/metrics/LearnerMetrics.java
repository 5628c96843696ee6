package dev.aha.runtime.metrics;

import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.pipeline.ScoredGroup;
import dev.aha.runtime.grpo.GrpoDiagnostics;
import dev.aha.runtime.grpo.GrpoUpdateResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * The learner's bookkeeping for one segment of a run (a fresh start or a resume): what each step's metrics line
 * says, the latency histograms, the staleness of used groups and the busy fractions. A plain class, fed by the
 * learner actor on its thread; the clock is injected so its arithmetic can be tested.
 *
 * <p>Busy fractions are busy time over wall time since the segment started: a group's sampling time arrives with
 * the group, after the fact, so a per-step ratio would swing above 1 when several groups land in one interval. The
 * rollouts' wall time is counted per rollout from when it started sampling its first group, so rollouts on nodes
 * that joined later (or run elsewhere) count for the time they were there; a rollout that left keeps counting as
 * idle.
 */
public final class LearnerMetrics {

    /** Latencies above an hour are clamped: the histograms' range. */
    private static final long MAX_MICROS = 3_600_000_000L;

    /**
     * Latencies and staleness over the whole segment: weight sync (publish of a version until a rollout's node holds
     * it verified), sample to use (a group finished until the step that trained on it), in microseconds; and the
     * staleness (learner version - sampling version) of every used group.
     */
    public record Timings(Histogram weightSyncMicros, Histogram sampleToUseMicros,
            SortedMap<Integer, Long> staleness) {}

    private final LongSupplier nanoClock;
    private final long segmentStartNanos;
    private final double wallSecondsBefore;
    private final WeightSyncTimes weightSync;
    private final Histogram sampleToUseMicros = new Histogram(MAX_MICROS, 3);
    private final SortedMap<Integer, Long> stalenessSinceStep = new TreeMap<>();
    private final SortedMap<Integer, Long> stalenessTotal = new TreeMap<>();
    private final Map<String, Long> rolloutStartNanos = new HashMap<>();
    private final List<StepMetrics> history = new ArrayList<>();
    private long lastStepNanos;
    private long learnerBusyNanos;
    private long samplingNanos;
    private long sampledTokensSinceStep;
    private long samplingNanosSinceStep;
    private long nonFiniteSteps;
    private long optimizerSkippedSteps;
    private long usedTokensAfterUpdate;
    private long sampledTokens;
    private long usedTokens;
    private long groupsDroppedUniform;
    private long uniformSinceStep;
    private long uniformSolvedSinceStep;
    private long uniformFailedSinceStep;

    /**
     * @param firstVersion the version this segment starts at: a replica's first version measures its joining, not a
     *     weight sync, so syncs are recorded only for later versions
     * @param wallSecondsBefore RL wall time of the segments this one resumes
     * @param nanoClock {@code System::nanoTime} outside tests
     */
    public LearnerMetrics(long firstVersion, double wallSecondsBefore, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.weightSync = new WeightSyncTimes(firstVersion, MAX_MICROS);
        this.wallSecondsBefore = wallSecondsBefore;
        this.segmentStartNanos = nanoClock.getAsLong();
        this.lastStepNanos = segmentStartNanos;
    }

    /** Tells {@code listener} each weight-sync latency as it is recorded, in microseconds (the node's telemetry). */
    public LearnerMetrics onWeightSync(LongConsumer listener) {
        weightSync.listener(listener);
        return this;
    }

    /** Every group that reached the learner, used or not: throughput counts what the rollouts produced. */
    public void arrived(SampledGroup g) {
        long now = nanoClock.getAsLong();
        rolloutStartNanos.putIfAbsent(g.rolloutId(), Math.max(segmentStartNanos, now - g.samplingNanos()));
        sampledTokensSinceStep += g.completionTokens();
        sampledTokens += g.completionTokens();
        samplingNanos += g.samplingNanos();
        samplingNanosSinceStep += g.samplingNanos();
    }

    /**
     * A group dropped by dynamic sampling (its rewards all equal): counted for the run and for the next step line.
     *
     * @return the groups dropped since the last step, this one included
     */
    public long droppedUniform(ScoredGroup s) {
        groupsDroppedUniform++;
        uniformSinceStep++;
        double right = 0;
        for (double a : s.accuracy()) {
            right += a;
        }
        if (right == s.accuracy().length) {
            uniformSolvedSinceStep++;
        } else if (right == 0) {
            uniformFailedSinceStep++;
        }
        return uniformSinceStep;
    }

    /** What has been dropped as uniform since the last step. */
    public UniformDrops uniformDrops() {
        return new UniformDrops(uniformSinceStep, uniformSolvedSinceStep, uniformFailedSinceStep,
                (nanoClock.getAsLong() - lastStepNanos) / 1e9);
    }

    /** The learner published {@code version} at {@code atMicros} (wall clock, comparable across nodes). */
    public void published(long version, long atMicros) {
        weightSync.published(version, atMicros);
    }

    /**
     * One learner step over {@code batch}, trained at {@code learnerVersion} (before the step bumped it).
     *
     * @param busyNanos how long the step (update and publish) took
     * @param nowMicros wall clock when the batch was used, for sample-to-use
     */
    public StepMetrics step(long step, long version, long learnerVersion, List<ScoredGroup> batch,
            GrpoUpdateResult result, long busyNanos, long nowMicros) {
        double rewardSum = 0;
        double rewardSquares = 0;
        double accuracy = 0;
        double format = 0;
        double model = 0;
        long tokens = 0;
        int completions = 0;
        for (ScoredGroup s : batch) {
            SampledGroup g = s.group();
            int lag = (int) (learnerVersion - g.policyVersion());
            stalenessSinceStep.merge(lag, (long) g.groupSize(), Long::sum);
            stalenessTotal.merge(lag, 1L, Long::sum);
            recordLatencies(g, nowMicros);
            for (int i = 0; i < g.groupSize(); i++) {
                rewardSum += s.rewards()[i];
                rewardSquares += s.rewards()[i] * s.rewards()[i];
                accuracy += s.accuracy()[i];
                format += s.format()[i];
                model += s.modelRewards()[i];
                tokens += g.completions()[i].length;
                long[] spans = g.versionSpans()[i];
                if (spans.length > 2) { // the second span starts where a newer version took over
                    usedTokensAfterUpdate += g.completions()[i].length - spans[3];
                }
                completions++;
            }
        }
        long now = nanoClock.getAsLong();
        learnerBusyNanos += busyNanos;
        if (!Float.isFinite(result.loss()) || !Float.isFinite(result.gradNorm())) {
            nonFiniteSteps++;
        }
        optimizerSkippedSteps += result.optimizerSkipped() ? 1 : 0;
        usedTokens += tokens;
        double interval = Math.max(1e-9, (now - lastStepNanos) / 1e9);
        int n = Math.max(1, completions);
        // the update trained on the completions overlong filtering left in; the rest were masked out
        long overlongMasked = Math.max(0, completions - result.sequences());
        double mean = rewardSum / n;
        GrpoDiagnostics d = result.diagnostics();
        StepMetrics m = new StepMetrics(step, version, wallSeconds(), mean,
                Math.sqrt(Math.max(0, rewardSquares / n - mean * mean)), accuracy / n, format / n, d.meanKl(),
                d.clipFractionLow(), d.clipFractionHigh(), d.meanRatio(), result.loss(), result.gradNorm(),
                (double) tokens / n, new TreeMap<>(stalenessSinceStep), batch.size() / interval,
                sampledTokensSinceStep / interval, tokens / interval, learnerBusyFraction(now),
                rolloutBusyFraction(now), uniformSinceStep, overlongMasked,
                samplingNanosSinceStep > 0 ? sampledTokensSinceStep / (samplingNanosSinceStep / 1e9) : 0,
                optimizerSkippedSteps, result.mismatch(), d.correctedFraction(), mean - model / n, model / n,
                EpisodeMetrics.of(batch));
        stalenessSinceStep.clear();
        sampledTokensSinceStep = 0;
        samplingNanosSinceStep = 0;
        uniformSinceStep = 0;
        uniformSolvedSinceStep = 0;
        uniformFailedSinceStep = 0;
        lastStepNanos = now;
        history.add(m);
        return m;
    }

    /**
     * Sample-to-use for every used group; weight sync as {@link WeightSyncTimes} counts it.
     */
    private void recordLatencies(SampledGroup g, long nowMicros) {
        sampleToUseMicros.recordValue(clamp(nowMicros - g.sampledAtMicros()));
        weightSync.arrived(g, LearnerMetrics::clamp);
    }

    /** Into the histograms' range: clocks of two nodes may disagree by a little, never below 0. */
    private static long clamp(long micros) {
        return Math.max(0, Math.min(MAX_MICROS, micros));
    }

    private double learnerBusyFraction(long now) {
        double wall = now - segmentStartNanos;
        return wall > 0 ? Math.min(1.0, learnerBusyNanos / wall) : 0;
    }

    /** Mean over the rollouts seen, local or remote, each over the time since it started. */
    private double rolloutBusyFraction(long now) {
        double wall = 0;
        for (long start : rolloutStartNanos.values()) {
            wall += now - start;
        }
        return wall > 0 ? Math.min(1.0, samplingNanos / wall) : 0;
    }

    /**
     * Steps of this segment whose loss or gradient norm was not finite; those with a non-finite gradient norm the
     * optimiser skipped ({@link #optimizerSkippedSteps()}).
     */
    public long nonFiniteSteps() {
        return nonFiniteSteps;
    }

    /** Updates of this segment the optimiser skipped (the gradient was not finite): the weights did not move. */
    public long optimizerSkippedSteps() {
        return optimizerSkippedSteps;
    }

    /**
     * Completion tokens of this segment: {@code sampled} reached the learner (used or not), {@code used} were in the
     * batches it trained on.
     */
    /** @param usedAfterUpdate used tokens sampled after an in-flight weight update reached their sequence */
    public record Tokens(long sampled, long used, long usedAfterUpdate) {}

    public Tokens tokens() {
        return new Tokens(sampledTokens, usedTokens, usedTokensAfterUpdate);
    }

    /** Groups of this segment dropped by dynamic sampling because their rewards were all equal. */
    public long groupsDroppedUniform() {
        return groupsDroppedUniform;
    }

    /** Every step line of this segment. */
    public List<StepMetrics> history() {
        return List.copyOf(history);
    }

    /** Distinct rollouts whose groups reached the learner this segment. */
    public int rolloutsSeen() {
        return rolloutStartNanos.size();
    }

    /** RL wall time of the whole run so far, resumed segments included. */
    public double wallSeconds() {
        return wallSecondsBefore + (nanoClock.getAsLong() - segmentStartNanos) / 1e9;
    }

    public Timings timings() {
        return new Timings(weightSync.histogram(), sampleToUseMicros.copy(), new TreeMap<>(stalenessTotal));
    }

    /** The line the learner logs every few steps; what DAPO's options dropped or masked only when they did. */
    public static String progressLine(StepMetrics m) {
        String line = String.format("step %d v%d | reward %.3f acc %.3f fmt %.3f | KL %.4f clip %.3f/%.3f | "
                        + "len %.1f | tok/s %.0f sampled %.0f used %.2f groups/s | learner %.0f%% rollout %.0f%% | "
                        + "staleness %s | %.0fs",
                m.step(), m.version(), m.rewardMean(), m.accuracy(), m.formatRate(), m.kl(), m.clipFractionLow(),
                m.clipFractionHigh(), m.responseLength(), m.sampledTokensPerSecond(), m.usedTokensPerSecond(),
                m.groupsPerSecond(), 100 * m.learnerBusyFraction(), 100 * m.rolloutBusyFraction(),
                m.stalenessHistogram(), m.wallSeconds());
        if (m.mismatch().all().tokens() > 0) { // one figure of the rollouts' gap; metrics.jsonl has the rest
            line += String.format(" | rollout KL %.1e", m.mismatch().all().kl());
            if (m.correctedFraction() > 0) {
                line += String.format(" (%.1f%% over cap)", 100 * m.correctedFraction());
            }
        }
        line += EpisodeMetrics.describe(m.episodes());
        if (m.groupsDroppedUniform() > 0) {
            line += " | " + m.groupsDroppedUniform() + " uniform dropped";
        }
        if (m.overlongMasked() > 0) {
            line += " | " + m.overlongMasked() + " overlong masked";
        }
        if (m.optimizerSkippedSteps() > 0) {
            line += " | " + m.optimizerSkippedSteps() + " updates skipped (non-finite gradient)";
        }
        return line;
    }
}
