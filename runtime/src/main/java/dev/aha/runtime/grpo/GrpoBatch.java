package dev.aha.runtime.grpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * GRPO samples packed for the learner (see {@link PackedSequences} for the layout).
 *
 * @param tokens (B, T) int32: prompt, completion, padding
 * @param mask (B, C) float: 1 where the column scores a completion token the policy sampled (observations of
 *     multi-turn episodes are 0); C = T-1-firstColumn
 * @param behaviourLogProbs (B, C) float: log pi_old of completion tokens, 0 elsewhere
 * @param advantages (B, 1) float; (B, C) per token once REINFORCE++'s returns replace them
 * @param fresh (B, 1) float: 1 for a row the learner's current version sampled ({@link GrpoSample#fresh()})
 * @param firstColumn the first log-prob column (see {@link PackedSequences})
 */
public record GrpoBatch(NDArray tokens, NDArray mask, NDArray behaviourLogProbs, NDArray advantages, NDArray fresh,
        int size, int firstColumn) {

    /** Rows {@code [from, to)}, in {@code manager} (so a micro-batch's arrays go when it closes). */
    public GrpoBatch rows(NDManager manager, int from, int to) {
        NDIndex rows = new NDIndex("{}:{}", from, to);
        NDArray t = tokens.get(rows);
        NDArray m = mask.get(rows);
        NDArray b = behaviourLogProbs.get(rows);
        NDArray a = advantages.get(rows);
        NDArray f = fresh.get(rows);
        for (NDArray x : new NDArray[] {t, m, b, a, f}) {
            x.attach(manager);
        }
        return new GrpoBatch(t, m, b, a, f, to - from, firstColumn);
    }

    /** The same rows with other advantages: (B, 1) per sequence or (B, C) per token. */
    public GrpoBatch withAdvantages(NDArray perRowOrToken) {
        return new GrpoBatch(tokens, mask, behaviourLogProbs, perRowOrToken, fresh, size, firstColumn);
    }

    /** Packs {@code samples} into arrays of {@code manager}. */
    public static GrpoBatch pack(NDManager manager, List<GrpoSample> samples, int padId) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples to pack");
        }
        List<int[]> prompts = new ArrayList<>(samples.size());
        List<int[]> completions = new ArrayList<>(samples.size());
        for (GrpoSample s : samples) {
            prompts.add(s.prompt());
            completions.add(s.completion());
        }
        PackedSequences packed = PackedSequences.pack(manager, prompts, completions, padId);
        int b = packed.rows();
        int columns = packed.columns();
        float[] behaviour = new float[b * columns];
        float[] advantages = new float[b];
        float[] fresh = new float[b];
        float[] observations = null; // 1 at observation columns, where the completion mask must be 0
        for (int i = 0; i < b; i++) {
            GrpoSample s = samples.get(i);
            float[] lp = s.behaviourLogProbs();
            int from = i * columns + PackedSequences.column(s.prompt().length, 0, packed.firstColumn());
            System.arraycopy(lp, 0, behaviour, from, lp.length);
            for (int j = 0; j < s.policyTokens().length; j++) {
                if (!s.policyTokens()[j]) {
                    observations = observations != null ? observations : new float[b * columns];
                    observations[from + j] = 1f;
                    behaviour[from + j] = 0f;
                }
            }
            advantages[i] = s.advantage();
            fresh[i] = s.fresh() ? 1f : 0f;
        }
        NDArray mask = packed.completionMask();
        if (observations != null) {
            NDArray policyOnly = mask.sub(manager.create(observations, new Shape(b, columns)));
            mask.close();
            mask = policyOnly;
        }
        return new GrpoBatch(
                packed.tokens(),
                mask,
                manager.create(behaviour, new Shape(b, columns)),
                manager.create(advantages, new Shape(b, 1)),
                manager.create(fresh, new Shape(b, 1)),
                b,
                packed.firstColumn());
    }
}
