package dev.aha.actors.pipeline;

import dev.aha.protocol.pipeline.RolloutWork;
import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.runtime.rollout.ContinuousBatcher.FinishedGroup;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A rollout's ledger of the leases in its engine: which ticket is which lease, the engine time each has used, and
 * how a finished group becomes the {@link SampledGroup} the reward actors receive.
 */
final class InFlightGroups {

    /** A lease in the engine: its prompt's ids and the engine time attributed to it so far. */
    private static final class Admitted {
        final RolloutWork work;
        final int[] promptTokens;
        long busyNanos;

        Admitted(RolloutWork work, int[] promptTokens, long busyNanos) {
            this.work = work;
            this.promptTokens = promptTokens;
            this.busyNanos = busyNanos;
        }
    }

    private final Map<Long, Admitted> byTicket = new HashMap<>();
    private long nextTicket;

    /** The ticket the engine should admit {@code work} under. */
    long nextTicket() {
        return nextTicket++;
    }

    /** Records a lease the engine admitted under {@code ticket}, after {@code nanos} of tokenizing and prefill. */
    void admitted(long ticket, RolloutWork work, int[] promptTokens, long nanos) {
        byTicket.put(ticket, new Admitted(work, promptTokens, nanos));
    }

    int size() {
        return byTicket.size();
    }

    /** Shares one step's time among the groups in it, so the groups' sampling times add up to the busy time. */
    void attribute(long stepNanos) {
        for (Admitted a : byTicket.values()) {
            a.busyNanos += stepNanos / byTicket.size();
        }
    }

    /** The leases of {@code tickets} (the groups an engine dropped), out of the ledger. */
    List<RolloutWork> remove(List<Long> tickets) {
        List<RolloutWork> works = new ArrayList<>();
        for (Long ticket : tickets) {
            Admitted a = byTicket.remove(ticket);
            if (a != null) {
                works.add(a.work);
            }
        }
        return works;
    }

    /**
     * The finished group as the reward actors take it. Its version is its oldest token's; tokens of newer versions
     * (in-flight updates) travel as version spans.
     *
     * @param currentVersion the version a completion with untracked versions is credited to
     * @param arrivals when each version reached this node, for the weight-sync latency of the oldest
     */
    SampledGroup finish(FinishedGroup<Long> group, String rolloutId, Tokenizer tokenizer, long currentVersion,
            VersionArrivals arrivals, long nowMicros) {
        Admitted a = byTicket.remove(group.key());
        if (a == null) {
            throw new IllegalStateException("the engine finished a group under unknown ticket " + group.key());
        }
        List<Completion> completions = group.completions();
        int g = completions.size();
        long oldest = Long.MAX_VALUE;
        for (Completion c : completions) {
            oldest = Math.min(oldest, c.oldestVersion(currentVersion));
        }
        int[][] tokens = new int[g][];
        float[][] logProbs = new float[g][];
        String[] texts = new String[g];
        boolean[] truncated = new boolean[g];
        long[][] spans = new long[g][];
        boolean[][] policy = new boolean[g][];
        for (int i = 0; i < g; i++) {
            Completion c = completions.get(i);
            tokens[i] = c.tokens();
            logProbs[i] = c.logProbs();
            texts[i] = tokenizer.decode(c.policyOnlyTokens());
            truncated[i] = !c.finished();
            spans[i] = VersionArrivals.spans(c.versions(), oldest);
            policy[i] = c.policyTokens();
        }
        RolloutWork work = a.work;
        return new SampledGroup(work.promptId(), work.attempt(), rolloutId, oldest, work.prompt(),
                work.referenceAnswer(), a.promptTokens, tokens, logProbs, texts, truncated, nowMicros,
                arrivals.receivedMicros(oldest), a.busyNanos, spans, policy, EpisodeFigures.of(completions),
                work.reward());
    }
}
