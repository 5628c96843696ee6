package dev.aha.runtime.rm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.ParameterLayout;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.hf.HfSequenceClassification;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A reward model as transformers' {@code *ForSequenceClassification} computes one: a policy's decoder up to its
 * final norm ({@link Policy#hiddenStates}), a linear {@code score} head [num_labels, hidden] without bias, and the
 * score read at each sequence's last token that is not the pad token:
 *
 * <pre>
 *   h = decoder(input_ids)                                     (B, T, hidden), causal attention, no key mask
 *   last[b] = max { t : input_ids[b, t] != pad_token_id }      0 when every token is the pad token
 *   scores[b] = h[b, last[b]] score^T                           (B, num_labels)
 * </pre>
 *
 * Without a pad_token_id transformers scores only batches of one, at their last token; here each sequence of a batch
 * is then read at its own last token, which is what it would get alone.
 *
 * <p>The decoder is the policy's own code (the built-in GPT or the Llama family); its output head, if it has one, is
 * unused. Not thread-safe; each reward node holds its own.
 */
public final class RewardModel implements AutoCloseable {

    private final Policy trunk;
    private final PolicyParameter score;
    private final Integer padTokenId;
    private final List<PolicyParameter> parameters;
    private final List<PolicyParameter> trainable;
    private final ParameterLayout layout;

    /**
     * @param score the head [num_labels, hidden], in the trunk's manager
     * @param padTokenId the token whose positions are never read, or null
     * @param unused trunk weights off the score's path (the GPT's output head): stored, never trained
     */
    public RewardModel(Policy trunk, NDArray score, Integer padTokenId, Set<String> unused) {
        Shape shape = score.getShape();
        if (shape.dimension() != 2 || shape.get(0) < 1) {
            throw new IllegalArgumentException("a score head is [num_labels, hidden], was " + shape);
        }
        this.trunk = trunk;
        score.setName(HfSequenceClassification.SCORE);
        this.score = new PolicyParameter(HfSequenceClassification.SCORE, shape, score);
        this.padTokenId = padTokenId;
        List<PolicyParameter> all = new ArrayList<>(trunk.parameters());
        all.add(this.score);
        this.parameters = List.copyOf(all);
        this.trainable = all.stream().filter(p -> !unused.contains(p.name())).toList();
        ParameterLayout.Builder b = ParameterLayout.builder();
        all.forEach(p -> b.add(p.name(), p.shape().getShape()));
        this.layout = b.build();
    }

    public Policy trunk() {
        return trunk;
    }

    public int numLabels() {
        return Math.toIntExact(score.shape().get(0));
    }

    /** The token whose positions are never read, or null. */
    public Integer padTokenId() {
        return padTokenId;
    }

    public int contextLength() {
        return trunk.contextLength();
    }

    /** The decoder's weights then score.weight: what the model's file holds. */
    public List<PolicyParameter> parameters() {
        return parameters;
    }

    /** The weights on the score's path: what training updates. */
    public List<PolicyParameter> trainableParameters() {
        return trainable;
    }

    public ParameterLayout layout() {
        return layout;
    }

    /** Owns the weights; its device is where the model computes. */
    public NDManager manager() {
        return trunk.manager();
    }

    public void setTrainable(boolean on) {
        for (PolicyParameter p : trainable) {
            p.array().setRequiresGradient(on);
        }
    }

    /** Fails in one line unless each score is one reward (num_labels = 1). */
    public void requireOneLabel(String what) {
        if (numLabels() != 1) {
            throw new IllegalArgumentException(what + " has num_labels = " + numLabels() + ": a reward is one score "
                    + "per sequence (num_labels = 1)");
        }
    }

    /** Where transformers reads {@code row}'s score: its last token that is not the pad token (see above). */
    public static int lastTokenIndex(int[] row, Integer padTokenId) {
        if (padTokenId == null) {
            return row.length - 1;
        }
        for (int t = row.length - 1; t >= 0; t--) {
            if (row[t] != padTokenId) {
                return t;
            }
        }
        return 0;
    }

    /**
     * Scores of a padded batch, each row read where transformers reads it given these input_ids.
     *
     * @param tokens (B, T) int32 ids
     * @return (B, num_labels) float32, in the manager of {@code tokens}
     */
    public NDArray scores(NDArray tokens) {
        int[] flat = tokens.toIntArray();
        int b = Math.toIntExact(tokens.getShape().get(0));
        int t = Math.toIntExact(tokens.getShape().get(1));
        int[] last = new int[b];
        for (int i = 0; i < b; i++) {
            int[] row = new int[t];
            System.arraycopy(flat, i * t, row, 0, t);
            last[i] = lastTokenIndex(row, padTokenId);
        }
        return scores(tokens, last);
    }

    /**
     * Scores read at given positions: what training records gradients through.
     *
     * @param tokens (B, T) int32 ids
     * @param last each row's position to read
     * @return (B, num_labels) float32, in the manager of {@code tokens}
     */
    public NDArray scores(NDArray tokens, int[] last) {
        NDManager scope = tokens.getManager();
        NDArray hidden = trunk.hiddenStates(tokens).toType(DataType.FLOAT32, false); // (B, T, d)
        long b = hidden.getShape().get(0);
        long d = hidden.getShape().get(2);
        long[] at = new long[last.length];
        for (int i = 0; i < last.length; i++) {
            at[i] = last[i];
        }
        NDArray index = scope.create(at, new Shape(b, 1, 1)).broadcast(new Shape(b, 1, d));
        NDArray pooled = hidden.gather(index, 1).squeeze(1); // (B, d)
        return Linear.linear(pooled, score.array()).get(0);
    }

    /**
     * One reward per sequence, without gradients: the batch right-padded with the pad token (or 0 without one),
     * every row read as transformers reads it. num_labels must be 1.
     */
    public float[] rewards(List<int[]> sequences) {
        requireOneLabel("this reward model");
        if (sequences.isEmpty()) {
            return new float[0];
        }
        ComputeThreads.stopRecording();
        try (NDManager scope = manager().newSubManager()) {
            int[] last = new int[sequences.size()];
            for (int i = 0; i < last.length; i++) {
                last[i] = lastTokenIndex(sequences.get(i), padTokenId);
            }
            return scores(padded(scope, sequences, padTokenId == null ? 0 : padTokenId), last).toFloatArray();
        }
    }

    /** (B, longest) int32, each row followed by {@code pad}. Refuses a row longer than the context. */
    public NDArray padded(NDManager scope, List<int[]> rows, int pad) {
        int longest = 1;
        for (int[] row : rows) {
            if (row.length == 0) {
                throw new IllegalArgumentException("an empty sequence has no token to score");
            }
            longest = Math.max(longest, row.length);
        }
        trunk.requireContext(longest);
        int[] flat = new int[rows.size() * longest];
        Arrays.fill(flat, pad);
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, flat, i * longest, rows.get(i).length);
        }
        return scope.create(flat, new Shape(rows.size(), longest));
    }

    @Override
    public void close() {
        trunk.close();
    }
}
