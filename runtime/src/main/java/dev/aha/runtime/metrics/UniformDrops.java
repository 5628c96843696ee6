package dev.aha.runtime.metrics;

/**
 * The groups dynamic sampling dropped (all rewards equal, so no policy gradient) since the learner's last step.
 * When every group comes back uniform for a long time (a policy that solves every prompt, or one that solves
 * none), no step is taken and no step line is written: this, written as its own line, is what shows such a run is
 * alive and why it is not learning.
 *
 * @param groups groups dropped since the last step
 * @param solved of those, groups whose every completion had the right answer
 * @param failed of those, groups in which no completion had it
 * @param secondsSinceStep seconds since the last step (or since the segment started)
 */
public record UniformDrops(long groups, long solved, long failed, double secondsSinceStep) {

    /** A line of metrics.jsonl, told apart from step and evaluation lines by its "uniform_drops" key. */
    public record Line(long step, long version, double wallSeconds, UniformDrops uniformDrops) {}

    /** The warning the learner logs with a line. */
    public String describe() {
        return String.format("no learner step for %.0f s: %d groups in a row dropped as uniform (%d all right, "
                + "%d all wrong), all rewards equal so no gradient; the run goes on sampling until its deadline",
                secondsSinceStep, groups, solved, failed);
    }
}
