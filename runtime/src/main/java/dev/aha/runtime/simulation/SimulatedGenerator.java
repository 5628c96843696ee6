package dev.aha.runtime.simulation;

import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.backend.GroupGenerator;
import dev.aha.runtime.sampling.Completion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A simulated inference device. A group's completions get lengths from {@link ResponseLengths} and random tokens;
 * the call then parks for prefill plus (longest completion x decode-per-token), as a batched engine would take.
 * Loading weights checks the snapshot's size and costs nothing: the snapshot itself did cross the weight plane.
 */
public final class SimulatedGenerator implements GroupGenerator {

    private final SimulationSettings settings;
    private final ResponseLengths lengths;
    private final int endId;
    /** Random tokens and log-probs, cut into completions: drawing fresh ones per token would cost real CPU. */
    private final int[] tokenPool;
    private final float[] logProbPool;

    /**
     * @param vocabSize tokens are drawn from {@code [2, vocabSize)} (0 and 1 are padding and end in Aha's tokenizers)
     */
    public SimulatedGenerator(SimulationSettings settings, int vocabSize, int endId) {
        this.settings = settings;
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
    public void loadWeights(FlatWeights flat) {
        if (flat.size() != settings.weightBytes()) {
            throw new IllegalArgumentException("a simulated replica of " + settings.weightBytes()
                    + " bytes was sent a snapshot of " + flat.size() + " (do all nodes share aha.simulation?)");
        }
    }

    @Override
    public List<Completion> sampleGroup(int[] prompt, int groupSize, Random rng) {
        List<Completion> group = new ArrayList<>(groupSize);
        int longest = 0;
        for (int i = 0; i < groupSize; i++) {
            int n = lengths.next(rng);
            longest = Math.max(longest, n);
            int from = rng.nextInt(tokenPool.length - n + 1);
            int[] tokens = Arrays.copyOfRange(tokenPool, from, from + n);
            float[] logProbs = Arrays.copyOfRange(logProbPool, from, from + n);
            boolean finished = n < settings.maxLength();
            if (finished) {
                tokens[n - 1] = endId;
            }
            group.add(new Completion(tokens, logProbs, finished));
        }
        ModelledTime.spend(prompt.length * settings.prefillPerToken().toNanos()
                + longest * settings.decodePerToken().toNanos());
        return group;
    }

    @Override
    public void close() {}
}
