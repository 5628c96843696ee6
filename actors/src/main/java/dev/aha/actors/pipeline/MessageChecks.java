package dev.aha.actors.pipeline;

import dev.aha.runtime.task.TaskPrompt;
import dev.aha.protocol.pipeline.DispatcherMessage;
import dev.aha.protocol.pipeline.LeaseFailed;
import dev.aha.protocol.pipeline.RequestWork;
import dev.aha.protocol.pipeline.RolloutWork;
import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.pipeline.ScoredGroup;
import dev.aha.protocol.pipeline.VersionAdvanced;
import dev.aha.protocol.pipeline.WorkDone;

/**
 * What a message from another node must satisfy before anything in it is used: the wire checks frames, not meaning,
 * and a peer may run another build or be hostile. Each check returns the first problem in words, or null.
 */
final class MessageChecks {

    private MessageChecks() {}

    /** What the dispatcher acts on: who asks and where to answer, outcomes, versions. */
    static String dispatcherProblem(DispatcherMessage m) {
        if (m instanceof RequestWork r && (r.replyTo() == null || r.rolloutId() == null || r.policyVersion() < 0)) {
            return "no reply address, no rollout id or a negative version";
        }
        if (m instanceof WorkDone d && d.outcome() == null) {
            return "no outcome";
        }
        if (m instanceof VersionAdvanced v && (v.version() < 0 || v.step() < 0)) {
            return "a negative step or version";
        }
        if (m instanceof LeaseFailed f && (f.rolloutId() == null || f.error() == null)) {
            return "no rollout id or no error";
        }
        return null;
    }

    /** The largest group a lease may ask for: a bound on what one message from another node can make us allocate. */
    static final int MAX_GROUP = 1_024;

    /** What a rollout samples: a prompt and its answer, a group it can hold, ids that name a lease. */
    static String leaseProblem(RolloutWork w) {
        if (w.prompt() == null || w.referenceAnswer() == null) {
            return "no prompt or reference answer";
        }
        if (w.promptId() < 0 || w.attempt() < 0) {
            return "a negative prompt id or attempt";
        }
        if (w.groupSize() < 2 || w.groupSize() > MAX_GROUP) {
            return "a group of " + w.groupSize() + " (2 to " + MAX_GROUP + ")";
        }
        return null;
    }

    /** What the reward actor reads: a group of at least 2 with a text per completion. */
    static String sampledProblem(SampledGroup g) {
        if (g.promptId() < 0 || g.attempt() < 0 || g.policyVersion() < 0) {
            return "negative prompt id, attempt or version";
        }
        if (g.groupSize() < 2) {
            return "a group of " + g.groupSize() + " (group advantages need at least 2)";
        }
        if (g.prompt() == null || g.referenceAnswer() == null || g.rolloutId() == null) {
            return "no prompt, reference answer or rollout id";
        }
        if (g.reward() != null && !TaskPrompt.ROUTES.contains(g.reward())) {
            return "reward '" + g.reward() + "' is not rule, model or both";
        }
        for (String t : g.completionTexts()) {
            if (t == null) {
                return "a completion without its text";
            }
        }
        for (int[] tokens : g.completions()) {
            if (tokens == null) { // the reward reads each completion's length (overlong punishment)
                return "a completion without its tokens";
            }
        }
        for (int i = 0; i < g.groupSize(); i++) {
            String spans = spansProblem(g.versionSpans()[i], g.policyVersion(), g.completions()[i].length);
            if (spans != null) {
                return "completion " + i + ": " + spans;
            }
            boolean[] policy = g.policyTokens()[i];
            if (policy == null || (policy.length != 0 && policy.length != g.completions()[i].length)) {
                return "completion " + i + ": policy-token flags must be empty or one per token";
            }
        }
        return null;
    }

    /** Empty, or (version, first token) pairs: versions rising from policyVersion, first tokens rising from 0. */
    private static String spansProblem(long[] spans, long oldest, int tokens) {
        if (spans == null) {
            return "no version spans";
        }
        if (spans.length == 0) {
            return null;
        }
        if (spans.length % 2 != 0 || spans[0] != oldest || spans[1] != 0) {
            return "version spans must be (version, first token) pairs starting at (v" + oldest + ", 0)";
        }
        for (int i = 2; i < spans.length; i += 2) {
            if (spans[i] <= spans[i - 2] || spans[i + 1] <= spans[i - 1] || spans[i + 1] >= tokens) {
                return "version spans out of order or past the completion's " + tokens + " tokens";
            }
        }
        return null;
    }

    /**
     * What the learner trains on: every row the same shape as its completion, token ids inside the vocabulary,
     * finite log-probs and advantages, and a sampling version the learner has published.
     */
    static String scoredProblem(ScoredGroup s, int vocabSize, long learnerVersion) {
        SampledGroup g = s.group();
        if (g == null) {
            return "no group";
        }
        String sampled = sampledProblem(g);
        if (sampled != null) {
            return sampled;
        }
        if (g.newestVersion() > learnerVersion) {
            return "sampled at v" + g.newestVersion() + ", newer than the learner's v" + learnerVersion;
        }
        int n = g.groupSize();
        if (s.rewards() == null || s.advantages() == null || s.accuracy() == null || s.format() == null
                || s.rewards().length != n || s.advantages().length != n || s.accuracy().length != n
                || s.format().length != n) {
            return "rewards, advantages, accuracy or format not one per completion";
        }
        if (s.modelRewards() == null || s.modelRewards().length != n) {
            return "the reward model's parts are not one per completion";
        }
        if (s.rewardFailures() < 0 || s.rewardFailures() > n) {
            return "reward failures " + s.rewardFailures() + " out of " + n;
        }
        String prompt = tokensProblem(g.promptTokens(), vocabSize, "prompt");
        if (prompt != null) {
            return prompt;
        }
        for (int i = 0; i < n; i++) {
            int[] tokens = g.completions()[i];
            float[] logProbs = g.behaviourLogProbs()[i];
            if (tokens == null || logProbs == null || tokens.length != logProbs.length) {
                return "completion " + i + " has " + (tokens == null ? "no" : tokens.length) + " tokens and "
                        + (logProbs == null ? "no" : logProbs.length) + " log-probs";
            }
            String t = tokensProblem(tokens, vocabSize, "completion " + i);
            if (t != null) {
                return t;
            }
            for (float lp : logProbs) {
                if (!Float.isFinite(lp) || lp > 1e-3f) {
                    return "completion " + i + " has a log-prob of " + lp;
                }
            }
            if (!Double.isFinite(s.rewards()[i]) || !Float.isFinite(s.advantages()[i])) {
                return "completion " + i + " has a reward or advantage that is not finite";
            }
        }
        return null;
    }

    private static String tokensProblem(int[] tokens, int vocabSize, String what) {
        if (tokens == null) {
            return what + " has no tokens";
        }
        for (int t : tokens) {
            if (t < 0 || t >= vocabSize) {
                return what + " has token id " + t + ", outside the vocabulary of " + vocabSize;
            }
        }
        return null;
    }
}
