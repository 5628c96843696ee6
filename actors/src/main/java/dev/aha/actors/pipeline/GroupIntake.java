package dev.aha.actors.pipeline;

import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.pipeline.ScoredGroup;
import dev.aha.runtime.grpo.GroupAdvantages;
import dev.aha.runtime.grpo.GrpoSample;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What the learner lets into its next batch: a group from another node must be valid ({@link MessageChecks}), not
 * a duplicate (a re-issued prompt can come back twice, the late group of the first attempt and the group of the
 * re-issue, and only one may be used), within max-staleness versions of the learner, and, with dynamic sampling
 * (aha.grpo.drop-uniform-groups), not uniform: a group whose rewards are all equal has every advantage 0 and no
 * policy gradient. Counts what it keeps out.
 *
 * <p>Uniform groups are dropped here rather than in the reward actors: the learner alone closes leases (so the
 * dispatcher's books and the replacement prompt follow from the one {@code WorkDone} it sends anyway) and writes the
 * metrics, and the checks before this one decide first, so a late duplicate or a stale group is counted as that.
 */
final class GroupIntake {

    /** What became of an offered group. */
    enum Verdict { INVALID, DUPLICATE, STALE, UNIFORM, ADDED, BATCH_FULL }

    /** Prompt ids remembered for duplicate detection; re-issues happen long before this many newer prompts. */
    private static final int USED_IDS_KEPT = 1_000_000;

    private final int batchGroups;
    private final int maxStaleness;
    private final int vocabSize;
    private final boolean dropUniform;
    private final List<ScoredGroup> groups = new ArrayList<>();
    /** Prompts whose lease is closed: trained on, or dropped as uniform. */
    private final LinkedHashSet<Long> used = new LinkedHashSet<>();
    private long invalid;
    private long duplicates;
    private long stale;
    private long uniform;
    private String lastProblem;
    private final HardPrompts hardPrompts;
    private long usedLabelled;
    private long usedHard;
    private long staleLabelled;
    private long staleHard;

    /** Every group with the right shape gets into the batch, uniform or not. */
    GroupIntake(int batchGroups, int maxStaleness, int vocabSize) {
        this(batchGroups, maxStaleness, vocabSize, false);
    }

    /**
     * @param vocabSize the policy's: a token id at or past it would index outside the embedding
     * @param dropUniform whether groups whose rewards are all equal are kept out (dynamic sampling)
     */
    GroupIntake(int batchGroups, int maxStaleness, int vocabSize, boolean dropUniform) {
        this(batchGroups, maxStaleness, vocabSize, dropUniform, HardPrompts.NONE);
    }

    /** @param hardPrompts the cold start's labels of training prompts, counted in {@link #hardShare()} */
    GroupIntake(int batchGroups, int maxStaleness, int vocabSize, boolean dropUniform, HardPrompts hardPrompts) {
        this.hardPrompts = hardPrompts;
        this.batchGroups = batchGroups;
        this.maxStaleness = maxStaleness;
        this.vocabSize = vocabSize;
        this.dropUniform = dropUniform;
    }

    Verdict offer(ScoredGroup s, long learnerVersion) {
        lastProblem = MessageChecks.scoredProblem(s, vocabSize, learnerVersion);
        if (lastProblem != null) {
            invalid++;
            return Verdict.INVALID;
        }
        if (isDuplicate(s.group().promptId())) {
            duplicates++;
            return Verdict.DUPLICATE;
        }
        if (learnerVersion - s.group().policyVersion() > maxStaleness) {
            stale++;
            Boolean hard = hardPrompts.hard(s.group().prompt());
            staleLabelled += hard == null ? 0 : 1;
            staleHard += Boolean.TRUE.equals(hard) ? 1 : 0;
            return Verdict.STALE;
        }
        if (dropUniform && GroupAdvantages.isUniform(s.rewards())) {
            uniform++;
            remember(s.group().promptId()); // its lease closes now: a late group of another attempt is a duplicate
            return Verdict.UNIFORM;
        }
        groups.add(s);
        return groups.size() >= batchGroups ? Verdict.BATCH_FULL : Verdict.ADDED;
    }

    private boolean isDuplicate(long promptId) {
        if (used.contains(promptId)) {
            return true;
        }
        for (ScoredGroup s : groups) {
            if (s.group().promptId() == promptId) {
                return true;
            }
        }
        return false;
    }

    /** The batch, its prompts now remembered as used; the next batch starts empty. */
    List<ScoredGroup> take() {
        List<ScoredGroup> batch = List.copyOf(groups);
        groups.clear();
        for (ScoredGroup s : batch) {
            remember(s.group().promptId());
            Boolean hard = hardPrompts.hard(s.group().prompt());
            usedLabelled += hard == null ? 0 : 1;
            usedHard += Boolean.TRUE.equals(hard) ? 1 : 0;
        }
        return batch;
    }

    private void remember(long promptId) {
        used.add(promptId);
        while (used.size() > USED_IDS_KEPT) {
            used.remove(used.iterator().next());
        }
    }

    /**
     * The batch's completions as the loss takes them: one sample per completion, with its group's advantage.
     *
     * @param maskTruncated overlong filtering: completions cut at the length cap are left out, which masks them out of
     *     the loss whatever the aggregation (neither their tokens nor their row count in a normaliser) and spares
     *     their forward pass; their rewards already shaped the group's advantages
     * @param learnerVersion the version the step trains: each sample's staleness is measured from it
     */
    static List<GrpoSample> samples(List<ScoredGroup> batch, boolean maskTruncated, long learnerVersion) {
        List<GrpoSample> samples = new ArrayList<>();
        for (ScoredGroup s : batch) {
            SampledGroup g = s.group();
            int staleness = (int) Math.max(0, learnerVersion - g.policyVersion());
            for (int i = 0; i < g.groupSize(); i++) {
                if (maskTruncated && g.truncated()[i]) {
                    continue;
                }
                samples.add(new GrpoSample(g.promptTokens(), g.completions()[i], g.behaviourLogProbs()[i],
                        s.advantages()[i], staleness, g.policyTokens()[i]));
            }
        }
        return samples;
    }

    /** Why the last group offered was invalid. */
    String lastProblem() {
        return lastProblem;
    }

    long invalid() {
        return invalid;
    }

    long duplicates() {
        return duplicates;
    }

    long stale() {
        return stale;
    }

    /** The hard prompts among the groups trained on and dropped as stale so far. */
    HardShare hardShare() {
        return new HardShare(usedLabelled, usedHard, staleLabelled, staleHard);
    }

    /** The learner's intake, as the run's settings shape it. */
    static GroupIntake of(dev.aha.actors.config.RunConfig c) {
        return new GroupIntake(c.train().batchGroups(), c.train().maxStaleness(), c.policy().vocabSize(),
                c.grpo().dropUniformGroups(), HardPrompts.load(c.train().hardPrompts()));
    }

    /** Groups dropped because their rewards were all equal. */
    long uniform() {
        return uniform;
    }
}
