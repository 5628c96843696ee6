package dev.aha.runtime.rollout;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.policy.KvCache;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.SlotCache;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.EpisodeOutcome;
import dev.aha.runtime.sampling.SamplingSettings;
import dev.aha.runtime.sampling.TokenSampler;
import java.util.ArrayList;
import java.util.List;

/**
 * Continuous batching: many groups in flight at once, every active sequence decoded in one batched forward per
 * {@link #step}, new groups admitted between steps as others finish. A group's G samples share one prefill of its
 * prompt ({@link SlotCache#admit}). Each sequence draws from its own RNG (seeded per group and sample), so what it
 * samples does not depend on what else shares the batch; each token records the weight version that sampled it, so
 * a new version may be loaded between steps while sequences are in flight.
 *
 * <p>Multi-turn episodes: a sequence admitted with a {@link TurnPartner} hands each turn it ends to its partner and
 * leaves the batch while the partner answers on its own threads; the others keep decoding. Its slot stays reserved
 * ({@link #freeSlots} counts it taken); when the answer comes back, the observation's ids join its trajectory and it
 * is prefilled again (prompt and trajectory, once) into that slot: a waiting episode holds no KV rows.
 *
 * <p>Not thread-safe: one per rollout, on its compute thread (prepared with
 * {@link dev.aha.runtime.engine.ComputeThreads#prepare}).
 *
 * @param <K> what the caller identifies a group by (a lease)
 */
public final class ContinuousBatcher<K> implements AutoCloseable {

    /** A group whose G completions are all done, in sample order. */
    public record FinishedGroup<K>(K key, List<Completion> completions) {}

    private final Policy policy;
    private final SamplingSettings sampling;
    private final int vocabularyLimit;
    private final int[] endIds;
    private final TokenSampler tokenSampler;
    private final NDManager manager;
    private final SlotCache slots;
    /** Row r of the slot cache is sequences.get(r). */
    private final List<Sequence<K>> sequences = new ArrayList<>();
    /** Logits each active row samples its next token from, in row order; parts appended by admissions. */
    private final List<NDArray> pendingLogits = new ArrayList<>();
    private final WaitingTurns<K> waiting = new WaitingTurns<>();
    private long version;
    /** How long a step with nothing to decode waits for an environment's answer. */
    private static final long IDLE_WAIT_MILLIS = 2;

    /**
     * @param slotCache preallocated by the caller (its size checked against memory at start-up)
     * @param vocabularyLimit ids at or past this are never drawn (the tokenizer's ids)
     * @param endIds tokens that end a completion; at least one
     */
    public ContinuousBatcher(Policy policy, SlotCache slotCache, NDManager manager, SamplingSettings sampling,
            int vocabularyLimit, int[] endIds) {
        if (endIds.length == 0) {
            throw new IllegalArgumentException("a rollout engine needs at least one end token");
        }
        if (vocabularyLimit < 1 || vocabularyLimit > policy.vocabSize()) {
            throw new IllegalArgumentException("vocabularyLimit " + vocabularyLimit + " outside [1, "
                    + policy.vocabSize() + "]");
        }
        this.policy = policy;
        this.slots = slotCache;
        this.manager = manager;
        this.sampling = sampling;
        this.vocabularyLimit = vocabularyLimit;
        this.endIds = endIds.clone();
        this.tokenSampler = new TokenSampler(sampling);
    }

    /** The version recorded for tokens sampled from now on (set it when new weights are loaded). */
    public void setVersion(long version) {
        this.version = version;
    }

    public long version() {
        return version;
    }

    /** Slots a new group may take: those free less those reserved for episodes waiting on their environment. */
    public int freeSlots() {
        return slots.freeSlots() - waiting.size();
    }

    public int maxSequences() {
        return slots.slots();
    }

    public int activeSequences() {
        return slots.rows();
    }

    /** Nothing to decode and no episode waiting on its environment. */
    public boolean idle() {
        return slots.rows() == 0 && waiting.size() == 0;
    }

    /** Episodes whose turn is with their environment now. */
    public int waitingEpisodes() {
        return waiting.size();
    }

    /**
     * Prefills {@code prompt} once and starts {@code groupSize} sequences from it.
     *
     * @param seed fixes the group's draws: sample g draws from its own RNG seeded from (seed, g)
     * @throws IllegalArgumentException when the prompt is empty or leaves no room, or the group does not fit the free
     *     slots; nothing is admitted then
     */
    public void admit(K key, int[] prompt, int groupSize, long seed) {
        admit(key, prompt, groupSize, seed, null);
    }

    /**
     * The same for a group of multi-turn episodes: sample g talks to {@code partners.get(g)} between its turns.
     *
     * @param partners one per sample, or null for single-turn sequences
     */
    public void admit(K key, int[] prompt, int groupSize, long seed, List<? extends TurnPartner> partners) {
        if (partners != null && partners.size() != groupSize) {
            throw new IllegalArgumentException(partners.size() + " episode partners for a group of " + groupSize);
        }
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt is empty");
        }
        if (groupSize <= 0 || groupSize > freeSlots()) {
            throw new IllegalArgumentException("a group of " + groupSize + " does not fit the " + freeSlots()
                    + " free of " + slots.slots() + " sequence slots");
        }
        int room = Math.min(policy.contextLength(), slots.capacity()) - prompt.length;
        if (room <= 0) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens leaves no room in the context of "
                    + Math.min(policy.contextLength(), slots.capacity()));
        }
        int maxNew = Math.min(sampling.maxNewTokens(), room);
        prefillRows(prompt, groupSize);
        Group<K> group = new Group<>(key, groupSize);
        for (int g = 0; g < groupSize; g++) {
            sequences.add(new Sequence<>(group, g, prompt, maxNew, room, SequenceSeeds.of(seed, g),
                    partners == null ? null : partners.get(g)));
        }
    }

    /**
     * Draws one token for every active sequence, retires the sequences that ended, and runs one batched decode of the
     * rest. Episodes whose environment has answered come back first (or end, if it ended them); with nothing to decode,
     * this waits a moment for such an answer instead.
     *
     * @return the groups whose last sequence ended in this step
     */
    public List<FinishedGroup<K>> step() {
        if (idle()) {
            return List.of();
        }
        List<FinishedGroup<K>> finished = new ArrayList<>();
        resumeAnswered(finished);
        if (slots.rows() == 0) {
            return finished;
        }
        int rows = slots.rows();
        TokenSampler.Draw draw;
        try (NDManager scope = manager.newSubManager()) {
            NDArray logits = takePendingLogits(scope);
            float[] uniforms = new float[rows];
            for (int r = 0; r < rows; r++) {
                uniforms[r] = sequences.get(r).rng.nextFloat();
            }
            draw = tokenSampler.sample(vocabularyLimit == policy.vocabSize() ? logits
                    : logits.get(new NDIndex(":, :{}", vocabularyLimit)), uniforms);
        }
        boolean[] ended = new boolean[rows];
        for (int r = 0; r < rows; r++) {
            Sequence<K> s = sequences.get(r);
            int token = draw.tokens()[r];
            boolean end = isEnd(token);
            s.record(token, draw.logProbs()[r], version);
            if (s.partner == null) {
                ended[r] = end || s.full();
                if (ended[r]) s.group.complete(s.index, s.toCompletion(end), finished);
            } else {
                boolean turnOver = end || s.partner.endsTurn(token);
                ended[r] = turnOver || s.full();
                if (turnOver) {
                    waiting.send(s, end);
                } else if (ended[r]) { // a turn cut at its sampling limit or the context: the episode ends there
                    EpisodeOutcome cut = s.partner.cut(EpisodeOutcome.End.MAX_TOKENS, true);
                    s.group.complete(s.index, s.toEpisode(cut), finished);
                }
            }
        }
        // From the highest row down: the row that moves into a freed one is then always one that stays.
        for (int r = rows - 1; r >= 0; r--) {
            if (ended[r]) {
                int moved = slots.evict(r);
                Sequence<K> last = sequences.remove(sequences.size() - 1);
                if (moved >= 0) {
                    sequences.set(r, last);
                }
            }
        }
        if (slots.rows() > 0) {
            decodeActive();
        }
        return finished;
    }

    /** Prefills {@code context} once into {@code copies} new rows; each row draws its own next token from it. */
    private void prefillRows(int[] context, int copies) {
        try (NDManager scope = manager.newSubManager()) {
            KvCache prefilled = policy.prefill(scope.create(context, new Shape(1, context.length)), 1);
            slots.admit(prefilled, copies);
            NDArray next = copies == 1 ? prefilled.lastLogits() : prefilled.lastLogits().repeat(0, copies);
            next.attach(manager);
            pendingLogits.add(next);
        }
    }

    /** Ends the episodes their environments ended; the others take their observation and rejoin the batch. */
    private void resumeAnswered(List<FinishedGroup<K>> finished) {
        for (WaitingTurns.Answer<K> a : waiting.take(slots.rows() == 0 ? IDLE_WAIT_MILLIS : 0)) {
            Sequence<K> s = a.sequence();
            if (a.failure() != null) {
                s.group.complete(s.index, s.toEpisode(s.partner.cut(EpisodeOutcome.End.ERROR, false)),
                        finished);
            } else if (a.reply().ends()) {
                s.group.complete(s.index, s.toEpisode(a.reply().outcome()), finished);
            } else if (!s.observe(a.reply().observation(), s.lastVersion())) {
                s.group.complete(s.index, s.toEpisode(s.partner.cut(EpisodeOutcome.End.MAX_TOKENS, false)),
                        finished);
            } else {
                prefillRows(s.context(), 1);
                sequences.add(s);
            }
        }
    }

    /** Drops every sequence in flight; returns the keys of their groups, each once. */
    public List<K> abandonAll() {
        java.util.LinkedHashSet<K> keys = new java.util.LinkedHashSet<>(waiting.abandon());
        for (int r = slots.rows() - 1; r >= 0; r--) {
            keys.add(sequences.get(r).group.key());
            slots.evict(r);
        }
        sequences.clear();
        pendingLogits.forEach(NDArray::close);
        pendingLogits.clear();
        return new ArrayList<>(keys);
    }

    /** Feeds each active row's last token through one batched decode; its logits wait for the next step. */
    private void decodeActive() {
        int rows = slots.rows();
        int[] next = new int[rows];
        for (int r = 0; r < rows; r++) {
            next[r] = sequences.get(r).lastToken();
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray logits = policy.decode(slots, scope.create(next, new Shape(rows, 1)));
            logits.attach(manager);
            pendingLogits.add(logits);
        }
    }

    private NDArray takePendingLogits(NDManager scope) {
        for (NDArray part : pendingLogits) {
            part.attach(scope);
        }
        NDArray logits = pendingLogits.size() == 1 ? pendingLogits.get(0)
                : NDArrays.concat(new NDList(pendingLogits), 0);
        pendingLogits.clear();
        if (logits.getShape().get(0) != slots.rows()) {
            throw new IllegalStateException(logits.getShape().get(0) + " rows of logits for " + slots.rows()
                    + " active sequences");
        }
        return logits;
    }

    private boolean isEnd(int token) {
        for (int end : endIds) {
            if (token == end) return true;
        }
        return false;
    }

    @Override
    public void close() {
        pendingLogits.clear();
        manager.close();
    }
}
