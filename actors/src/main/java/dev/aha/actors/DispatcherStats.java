package dev.aha.actors;

/**
 * The dispatcher's accounting: every dispatched prompt is used, dropped as stale, or still outstanding.
 *
 * @param dispatched distinct prompts handed out
 * @param used prompts whose group the learner trained on
 * @param droppedStale prompts whose group lagged more than max-staleness versions
 * @param reissued leases handed out again after a rollout died or timed out
 * @param duplicates late duplicates the learner dropped
 * @param outstanding prompts leased or waiting to be re-issued
 * @param nextPromptId where the stream continues (for resume)
 * @param learnerVersion the latest version the learner announced
 */
public record DispatcherStats(long dispatched, long used, long droppedStale, long reissued, long duplicates,
        long outstanding, long nextPromptId, long learnerVersion) {}
