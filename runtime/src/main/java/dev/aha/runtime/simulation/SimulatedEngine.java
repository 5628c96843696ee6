package dev.aha.runtime.simulation;

import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.backend.RolloutEngine;
import dev.aha.runtime.rollout.ContinuousBatcher.FinishedGroup;
import dev.aha.runtime.sampling.Completion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A simulated inference device with the real engine's shape: groups are admitted into slots and every step
 * advances each sequence in flight by one token. Completion lengths come from {@link ResponseLengths} and tokens are
 * random; admitting parks for the prompt's prefill and each step parks for one decode step, whatever the batch
 * (a batched device stays memory-bound), so a device with G slots spends prefill plus longest x decode per group.
 * Loading weights checks the snapshot's size and costs nothing: the snapshot itself did cross the weight plane.
 */
public final class SimulatedEngine implements RolloutEngine {

    private final SimulationSettings settings;
    private final ResponseLengths lengths;
    private final int endId;
    private final int slots;
    /** Random tokens and log-probs, cut into completions: drawing fresh ones per token would cost real CPU. */
    private final int[] tokenPool;
    private final float[] logProbPool;
    private final Map<Long, InFlight> groups = new LinkedHashMap<>();
    private int active;
    private long version;

    /** One admitted group: each completion's drawn length and how many of its tokens are decoded so far. */
    private static final class InFlight {
        final Completion[] planned;
        final long[][] versions;
        int decoded;

        InFlight(Completion[] planned) {
            this.planned = planned;
            this.versions = new long[planned.length][];
            for (int i = 0; i < planned.length; i++) {
                versions[i] = new long[planned[i].length()];
            }
        }

        int longest() {
            return Arrays.stream(planned).mapToInt(Completion::length).max().orElse(0);
        }
    }

    /**
     * @param slots sequences decoded together
     * @param vocabSize tokens are drawn from {@code [2, vocabSize)} (0 and 1 are padding and end in Aha's tokenizers)
     */
    public SimulatedEngine(SimulationSettings settings, int slots, int vocabSize, int endId) {
        if (slots <= 0) {
            throw new IllegalArgumentException("a simulated device needs at least one slot, not " + slots);
        }
        this.settings = settings;
        this.slots = slots;
        this.lengths = new ResponseLengths(settings.medianLength(), settings.lengthSigma(), settings.maxLength());
        this.endId = endId;
        Random r = new Random(vocabSize * 31L + settings.maxLength());
        this.tokenPool = new int[2 * settings.maxLength()];
        this.logProbPool = new float[tokenPool.length];
        for (int i = 0; i < tokenPool.length; i++) {
            tokenPool[i] = 2 + r.nextInt(vocabSize - 2);
            logProbPool[i] = -3f * r.nextFloat();
        }
    }

    @Override
    public long weightBytes() {
        return settings.weightBytes();
    }

    @Override
    public void loadWeights(FlatWeights flat, long version) {
        if (flat.size() != settings.weightBytes()) {
            throw new IllegalArgumentException("a simulated replica of " + settings.weightBytes()
                    + " bytes was sent a snapshot of " + flat.size() + " (do all nodes share aha.simulation?)");
        }
        this.version = version;
    }

    @Override
    public int maxSequences() {
        return slots;
    }

    @Override
    public int freeSlots() {
        return slots - active;
    }

    @Override
    public boolean idle() {
        return active == 0;
    }

    @Override
    public void admit(long ticket, int[] prompt, int groupSize, long seed) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt is empty");
        }
        if (groupSize <= 0 || groupSize > freeSlots()) {
            throw new IllegalArgumentException("a group of " + groupSize + " does not fit the " + freeSlots()
                    + " free of " + slots + " sequence slots");
        }
        Random rng = new Random(seed);
        Completion[] planned = new Completion[groupSize];
        for (int i = 0; i < groupSize; i++) {
            int n = lengths.next(rng);
            int from = rng.nextInt(tokenPool.length - n + 1);
            int[] tokens = Arrays.copyOfRange(tokenPool, from, from + n);
            boolean finished = n < settings.maxLength();
            if (finished) {
                tokens[n - 1] = endId;
            }
            planned[i] = new Completion(tokens, Arrays.copyOfRange(logProbPool, from, from + n), finished);
        }
        groups.put(ticket, new InFlight(planned));
        active += groupSize;
        ModelledTime.spend(prompt.length * settings.prefillPerToken().toNanos());
    }

    @Override
    public List<FinishedGroup<Long>> step() {
        if (idle()) {
            return List.of();
        }
        ModelledTime.spend(settings.decodePerToken().toNanos());
        List<FinishedGroup<Long>> done = new ArrayList<>();
        Iterator<Map.Entry<Long, InFlight>> it = groups.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, InFlight> e = it.next();
            InFlight g = e.getValue();
            int t = g.decoded++;
            for (int i = 0; i < g.planned.length; i++) {
                if (t < g.planned[i].length()) {
                    g.versions[i][t] = version;
                    if (t == g.planned[i].length() - 1) {
                        active--; // this sequence's slot frees now, as the real engine's does
                    }
                }
            }
            if (g.decoded == g.longest()) {
                List<Completion> completions = new ArrayList<>(g.planned.length);
                for (int i = 0; i < g.planned.length; i++) {
                    Completion c = g.planned[i];
                    completions.add(new Completion(c.tokens(), c.logProbs(), g.versions[i], c.finished()));
                }
                done.add(new FinishedGroup<>(e.getKey(), completions));
                it.remove();
            }
        }
        return done;
    }

    @Override
    public List<Long> abandonAll() {
        List<Long> tickets = new ArrayList<>(groups.keySet());
        groups.clear();
        active = 0;
        return tickets;
    }

    @Override
    public void close() {}
}
