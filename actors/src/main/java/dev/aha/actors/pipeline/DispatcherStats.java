package dev.aha.actors.pipeline;

/**
 * The dispatcher's accounting: every dispatched prompt is used, dropped as stale or as uniform, quarantined, or still
 * outstanding.
 *
 * @param dispatched distinct prompts handed out
 * @param used prompts whose group the learner trained on
 * @param droppedStale prompts whose group lagged more than max-staleness versions
 * @param droppedUniform prompts whose group the learner dropped because its rewards were all equal (dynamic sampling)
 * @param reissued leases handed out again after a rollout died or timed out
 * @param duplicates late duplicates the learner dropped
 * @param outstanding prompts leased or waiting to be re-issued
 * @param nextPromptId where the stream continues (for resume)
 * @param learnerVersion the latest version the learner announced
 * @param lost prompts dispatched but neither used, dropped nor re-issuable: leases still held by rollouts whose node
 *     is gone, plus any prompt the accounting cannot place (dispatched - used - dropped - quarantined -
 *     outstanding); 0 when nothing was lost
 * @param quarantined prompts kept out of the stream because every rollout asked failed on them
 * @param invalid messages from other nodes dropped as unusable
 */
public record DispatcherStats(long dispatched, long used, long droppedStale, long droppedUniform, long reissued,
        long duplicates, long outstanding, long nextPromptId, long learnerVersion, long lost, long quarantined,
        long invalid) {

    /** Before the dispatcher answered (it never started): nothing dispatched. */
    public static DispatcherStats none(long nextPromptId, long learnerVersion) {
        return new DispatcherStats(0, 0, 0, 0, 0, 0, 0, nextPromptId, learnerVersion, 0, 0, 0);
    }
}
