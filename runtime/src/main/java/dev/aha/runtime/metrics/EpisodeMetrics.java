package dev.aha.runtime.metrics;

import dev.aha.protocol.pipeline.GroupEpisodes;
import dev.aha.protocol.pipeline.ScoredGroup;
import java.util.List;

/**
 * What the multi-turn episodes of one learner step did, per episode: turns, tool calls and their errors, the share
 * cut short, and the time their environments took against the time the engine spent sampling them.
 *
 * @param episodes episodes in the step
 * @param turnsPerEpisode mean assistant turns
 * @param toolCallsPerEpisode mean tool calls
 * @param toolErrorsPerEpisode mean tool calls that ended in an error
 * @param truncatedFraction share of episodes cut short (turn, token or context limit, or an environment error)
 * @param environmentSeconds time the environments spent answering, all episodes together
 * @param environmentToSampling that time over the engine time spent sampling the same groups
 */
public record EpisodeMetrics(long episodes, double turnsPerEpisode, double toolCallsPerEpisode,
        double toolErrorsPerEpisode, double truncatedFraction, double environmentSeconds,
        double environmentToSampling) {

    /** The figures of {@code batch}'s episodes; null when it holds none (a single-turn task). */
    public static EpisodeMetrics of(List<ScoredGroup> batch) {
        long n = 0;
        long turns = 0;
        long calls = 0;
        long errors = 0;
        long cut = 0;
        long environmentNanos = 0;
        long samplingNanos = 0;
        for (ScoredGroup s : batch) {
            GroupEpisodes e = s.group().episodes();
            if (e == null) {
                continue;
            }
            for (int i = 0; i < e.size(); i++) {
                turns += e.turns()[i];
                calls += e.toolCalls()[i];
                errors += e.toolErrors()[i];
                cut += e.cut()[i] ? 1 : 0;
            }
            n += e.size();
            environmentNanos += e.environmentNanos();
            samplingNanos += s.group().samplingNanos();
        }
        if (n == 0) {
            return null;
        }
        return new EpisodeMetrics(n, (double) turns / n, (double) calls / n, (double) errors / n, (double) cut / n,
                environmentNanos / 1e9, samplingNanos > 0 ? (double) environmentNanos / samplingNanos : 0);
    }

    /** The progress line's part: empty for a step without episodes. */
    public static String describe(EpisodeMetrics m) {
        return m == null ? "" : String.format(" | turns %.2f tools %.2f errors %.2f cut %.0f%% env/sampling %.2f",
                m.turnsPerEpisode(), m.toolCallsPerEpisode(), m.toolErrorsPerEpisode(), 100 * m.truncatedFraction(),
                m.environmentToSampling());
    }
}
