package dev.aha.runtime.policy.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import dev.aha.runtime.engine.Scalars;
import dev.aha.runtime.policy.KvCache;
import dev.aha.runtime.policy.KvShape;
import dev.aha.runtime.policy.ParameterLayout;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.SlotCache;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Llama-family decoder (llama, qwen2, qwen3) computed as transformers' {@code LlamaForCausalLM},
 * {@code Qwen2ForCausalLM} and {@code Qwen3ForCausalLM} compute it, in float32, with transformers' parameter names
 * and shapes (see {@link LlamaConfig#layout()}). Per layer, with x the residual stream:
 *
 * <pre>
 *   h = RMSNorm_in(x)
 *   q, k, v = h Wq^T (+bq), h Wk^T (+bk), h Wv^T (+bv)        split into heads of head_dim
 *   q, k = RMSNorm_q(q), RMSNorm_k(k)                          qwen3 only, per head, before RoPE
 *   q, k = RoPE(q, p), RoPE(k, p)                               p = position, offset by the KV cache length
 *   a = softmax(q k^T / sqrt(head_dim) + causal mask) v         each kv head serves heads/kv_heads query heads
 *   x = x + a Wo^T (+bo)
 *   x = x + W_down( silu(RMSNorm_post(x) W_gate^T) * (RMSNorm_post(x) W_up^T) )
 * then logits = RMSNorm_final(x) W_lm^T, with W_lm = embed_tokens when tie_word_embeddings.
 * RMSNorm(x) = x / sqrt(mean(x^2) + eps) * weight, over the last axis.
 * </pre>
 *
 * <p>Grouped-query attention without copying keys: transformers' {@code repeat_kv} repeats each kv head for its
 * {@code groups} query heads; here the query heads of one group are folded into the row axis instead ((B, kv, g*T,
 * hd) against (B, kv, S, hd)), which computes the same dot products without materialising the repeat — the KV cache
 * holds kv_heads, not heads.
 *
 * <p>One training difference: transformers builds embed_tokens with {@code padding_idx = pad_token_id}, which keeps
 * that row's gradient at zero; Aha does not (Qwen and Llama configs leave pad_token_id unset, and padded positions
 * are masked out of every loss).
 *
 * <p>Memory rule (DJL): every op takes the activation as its first operand ({@code Linear.linear(x, W, b)},
 * {@code Embedding.embedding(ids, W)}, {@code x.mul(weight)}), so every intermediate lands in the manager of the
 * token array passed in, never in the policy's. Not thread-safe; each rollout holds its own replica.
 */
public final class LlamaPolicy implements Policy {

    private final LlamaConfig config;
    private final int contextLength;
    private final ParameterLayout layout;
    private final NDManager manager;
    private final List<PolicyParameter> parameters;
    private final NDArray embedTokens;
    private final NDArray finalNorm;
    private final NDArray lmHead;
    private final List<Layer> layers;
    private final RotaryEmbedding rope;
    private final float eps;
    private final NDArray scaling;

    /** One decoder layer's weights; biases and q/k norms are null when the model type has none. */
    private record Layer(
            NDArray inputNorm,
            NDArray qWeight, NDArray qBias, NDArray kWeight, NDArray kBias, NDArray vWeight, NDArray vBias,
            NDArray oWeight, NDArray oBias, NDArray qNorm, NDArray kNorm,
            NDArray postAttentionNorm, NDArray gate, NDArray up, NDArray down) {}

    private LlamaPolicy(LlamaConfig config, int contextLength, NDManager manager, List<PolicyParameter> parameters) {
        this.config = config;
        this.contextLength = contextLength;
        this.layout = config.layout();
        this.manager = manager;
        this.parameters = Collections.unmodifiableList(parameters);
        Map<String, NDArray> byName = new HashMap<>();
        for (PolicyParameter p : parameters) {
            byName.put(p.name(), p.array());
        }
        this.embedTokens = byName.get(LlamaConfig.Names.EMBED);
        this.finalNorm = byName.get(LlamaConfig.Names.NORM);
        this.lmHead = config.tieWordEmbeddings() ? embedTokens : byName.get(LlamaConfig.Names.LM_HEAD);
        List<Layer> list = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            LlamaConfig.Names n = new LlamaConfig.Names(i);
            list.add(new Layer(byName.get(n.inputNorm),
                    byName.get(n.qWeight), byName.get(n.qBias), byName.get(n.kWeight), byName.get(n.kBias),
                    byName.get(n.vWeight), byName.get(n.vBias), byName.get(n.oWeight), byName.get(n.oBias),
                    byName.get(n.qNorm), byName.get(n.kNorm),
                    byName.get(n.postAttentionNorm), byName.get(n.gate), byName.get(n.up), byName.get(n.down)));
        }
        this.layers = List.copyOf(list);
        this.rope = new RotaryEmbedding(config.headDim(), config.ropeTheta(), contextLength);
        this.eps = (float) config.rmsNormEps();
        // transformers: self.head_dim ** -0.5; made once, as a fresh constant per layer and token costs as much as
        // the multiply (see Scalars)
        this.scaling = Scalars.constant(manager, Math.pow(config.headDim(), -0.5));
    }

    /**
     * A policy whose weights are all zero, about to be filled (from a Hugging Face directory, a checkpoint or the
     * weight plane).
     *
     * @param contextLength most positions one sequence may hold; at most {@code max_position_embeddings}
     * @param parent the weights live in a sub-manager of this one, on its device
     */
    public static LlamaPolicy zeros(LlamaConfig config, int contextLength, NDManager parent) {
        return zeros(config, contextLength, parent, DataType.FLOAT32);
    }

    /** The same with weights stored and multiplied in {@code type} (a rollout's bf16 or f16 copy). */
    public static LlamaPolicy zeros(LlamaConfig config, int contextLength, NDManager parent, DataType type) {
        if (contextLength <= 0 || contextLength > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("context length " + contextLength + " must be in 1.."
                    + config.maxPositionEmbeddings() + " (max_position_embeddings)");
        }
        ParameterLayout layout = config.layout();
        NDManager manager = parent.newSubManager();
        List<PolicyParameter> params = new ArrayList<>();
        for (int i = 0; i < layout.size(); i++) {
            String name = layout.names().get(i);
            Shape shape = layout.shapes().get(i);
            NDArray array = manager.zeros(shape, type);
            array.setName(name);
            params.add(new PolicyParameter(name, shape, array));
        }
        return new LlamaPolicy(config, contextLength, manager, params);
    }

    public LlamaConfig config() {
        return config;
    }

    @Override
    public String architecture() {
        return config.modelType();
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public ParameterLayout layout() {
        return layout;
    }

    @Override
    public KvShape kvShape() {
        return config.kvShape();
    }

    @Override
    public List<PolicyParameter> parameters() {
        return parameters;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Forward passes

    @Override
    public NDArray hiddenStates(NDArray tokens) {
        requireContext(Math.toIntExact(tokens.getShape().get(1)));
        return decoder(tokens, 0, null);
    }

    @Override
    public NDArray outputHead(NDArray hidden) {
        return lmHead(hidden);
    }

    @Override
    public KvCache prefill(NDArray prompt, int batch) {
        requireContext(Math.toIntExact(prompt.getShape().get(1)));
        KvCache cache = new KvCache(config.numHiddenLayers(), contextLength);
        NDArray hidden = decoder(prompt, 0, cache);
        cache.repeatBatch(batch);
        NDArray last = logitsF32(lmHead(hidden.get(new NDIndex(":, -1:, :")))).squeeze(1); // (1, V)
        cache.setLastLogits(last.repeat(0, batch));
        return cache;
    }

    @Override
    public NDArray step(KvCache cache, NDArray next) {
        NDArray tokens = next.getShape().dimension() == 1 ? next.expandDims(1) : next;
        requireContext(cache.length() + Math.toIntExact(tokens.getShape().get(1)));
        return logitsF32(lmHead(decoder(tokens, cache.length(), cache))).squeeze(1);
    }

    @Override
    public NDArray decode(SlotCache cache, NDArray next) {
        cache.beginStep();
        NDManager scope = next.getManager();
        NDArray tokens = next.getShape().dimension() == 1 ? next.expandDims(1) : next; // (B, 1)
        long b = tokens.getShape().get(0);
        int hd = config.headDim();
        NDArray[] cosSin = rope.cosSinAt(scope, cache.positions()); // (B, hd): each row at its own position
        NDArray mask = cache.keyMask(scope);
        mask = mask.reshape(b, 1, 1, 1, mask.getShape().get(1)); // against scores (B, kv, g, 1, S)
        NDArray positions = cache.positionIds(scope);
        KeyValues slots = new KeyValues() {
            @Override
            public NDArray append(int layer, NDArray k, NDArray v) {
                return cache.append(layer, k, v, positions);
            }

            @Override
            public NDArray values(int layer) {
                return cache.values(layer);
            }
        };
        NDArray hidden = Embedding.embedding(tokens, embedTokens, SparseFormat.DENSE).singletonOrThrow();
        hidden = layers(hidden,
                cosSin[0].reshape(b, 1, 1, 1, hd), cosSin[1].reshape(b, 1, 1, 1, hd), // against q (B, kv, g, 1, hd)
                cosSin[0].reshape(b, 1, 1, hd), cosSin[1].reshape(b, 1, 1, hd), // against k (B, kv, 1, hd)
                mask, slots);
        return logitsF32(lmHead(hidden)).squeeze(1);
    }

    /** Where a forward's keys and values go: a {@link KvCache} or a {@link SlotCache} (null: nowhere). */
    private interface KeyValues {
        /** Stores one layer's new keys and values; returns every key the new queries attend to. */
        NDArray append(int layer, NDArray k, NDArray v);

        NDArray values(int layer);
    }

    /**
     * Embedding, the decoder layers and the final norm over {@code tokens} (B, T) at positions offset..offset+T-1;
     * the keys and values of every layer go to {@code cache} when there is one. Returns (B, T, hidden).
     */
    private NDArray decoder(NDArray tokens, int offset, KvCache cache) {
        NDManager scope = tokens.getManager();
        int t = Math.toIntExact(tokens.getShape().get(1));
        NDArray[] cosSin = rope.cosSin(scope, offset, t);
        NDArray mask = t > 1 ? causalMask(scope, t, offset) : null; // one new token may see every cached one
        KeyValues kv = cache == null ? null : new KeyValues() {
            @Override
            public NDArray append(int layer, NDArray k, NDArray v) {
                return cache.append(layer, k, v);
            }

            @Override
            public NDArray values(int layer) {
                return cache.values(layer);
            }
        };
        NDArray hidden = Embedding.embedding(tokens, embedTokens, SparseFormat.DENSE).singletonOrThrow();
        return layers(hidden, cosSin[0], cosSin[1], cosSin[0], cosSin[1], mask, kv);
    }

    /** The decoder layers and the final norm; cos/sin broadcast against q (B, kv, g, T, hd) and k (B, kv, T, hd). */
    private NDArray layers(NDArray hidden, NDArray cosQ, NDArray sinQ, NDArray cosK, NDArray sinK, NDArray mask,
            KeyValues kv) {
        DataType type = hidden.getDataType();
        NDArray[] rotation = {cosQ.toType(type, false), sinQ.toType(type, false), cosK.toType(type, false),
            sinK.toType(type, false)};
        for (int l = 0; l < layers.size(); l++) {
            Layer w = layers.get(l);
            // residual + self_attn(input_layernorm(x))
            hidden = hidden.add(attention(l, w, rmsNorm(hidden, w.inputNorm()), rotation, mask, kv));
            // residual + mlp(post_attention_layernorm(x))
            hidden = hidden.add(mlp(w, rmsNorm(hidden, w.postAttentionNorm())));
        }
        return rmsNorm(hidden, finalNorm);
    }

    /** @param rotation cos and sin against q, then against k */
    private NDArray attention(int l, Layer w, NDArray x, NDArray[] rotation, NDArray mask, KeyValues cache) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int kvHeads = config.numKeyValueHeads();
        int groups = config.groups();
        int hd = config.headDim();

        // (B, T, heads*hd) viewed as (B, T, kv, g, hd): query head kv*g + j belongs to kv head kv, as in repeat_kv.
        NDArray q = linear(x, w.qWeight(), w.qBias()).reshape(b, t, kvHeads, groups, hd);
        NDArray k = linear(x, w.kWeight(), w.kBias()).reshape(b, t, kvHeads, hd);
        NDArray v = linear(x, w.vWeight(), w.vBias()).reshape(b, t, kvHeads, hd).transpose(0, 2, 1, 3);
        if (config.qkNorm()) {
            q = rmsNorm(q, w.qNorm()); // over head_dim, before RoPE (Qwen3Attention)
            k = rmsNorm(k, w.kNorm());
        }
        q = RotaryEmbedding.apply(q.transpose(0, 2, 3, 1, 4), rotation[0], rotation[1]); // (B, kv, g, T, hd)
        k = RotaryEmbedding.apply(k.transpose(0, 2, 1, 3), rotation[2], rotation[3]); // (B, kv, T, hd)
        if (cache != null) {
            k = cache.append(l, k, v); // keys after RoPE, kv heads only: (B, kv, S, hd)
            v = cache.values(l);
        }
        long s = k.getShape().get(2);
        DataType type = x.getDataType();
        // Scores, mask and softmax in float32 whatever the weights' type, as transformers' eager attention does.
        NDArray scores = q.reshape(b, kvHeads, groups * t, hd).matMul(k.transpose(0, 1, 3, 2))
                .toType(DataType.FLOAT32, false).mul(scaling);
        scores = scores.reshape(b, kvHeads, groups, t, s); // (B, kv, g, T, S)
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray attended = scores.softmax(-1).toType(type, false).reshape(b, kvHeads, groups * t, s)
                .matMul(v); // (B, kv, g*T, hd)
        NDArray merged = attended.reshape(b, kvHeads, groups, t, hd).transpose(0, 3, 1, 2, 4)
                .reshape(b, t, (long) config.numAttentionHeads() * hd);
        return linear(merged, w.oWeight(), w.oBias());
    }

    /** down_proj(silu(gate_proj(x)) * up_proj(x)), silu(z) = z * sigmoid(z). */
    private static NDArray mlp(Layer w, NDArray x) {
        NDArray gate = linear(x, w.gate(), null);
        return linear(gate.mul(Activation.sigmoid(gate)).mul(linear(x, w.up(), null)), w.down(), null);
    }

    private NDArray lmHead(NDArray hidden) {
        return linear(hidden, lmHead, null);
    }

    /** Sampling reads float32 logits whatever the weights' type. */
    private static NDArray logitsF32(NDArray logits) {
        return logits.toType(DataType.FLOAT32, false);
    }

    /**
     * x / sqrt(mean(x^2) + eps) * weight over the last axis, in float32 (transformers multiplies by rsqrt, which
     * libtorch computes as 1/sqrt: the same value to one rounding).
     */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        DataType type = x.getDataType();
        NDArray x32 = x.toType(DataType.FLOAT32, false); // narrow weights: normalise in float32, as transformers
        NDArray variance = x32.square().mean(new int[] {-1}, true);
        return x32.div(variance.add(eps).sqrt()).toType(type, false).mul(weight);
    }

    /** nn.Linear: x W^T + b, with W stored [out, in] as in the checkpoint. */
    private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }

    /**
     * Additive mask for T new queries at positions offset.. against offset+T keys: query i sees keys up to
     * offset+i. Masked scores get float32's lowest value, as transformers' eager mask (torch.finfo.min).
     */
    private static NDArray causalMask(NDManager scope, int t, int offset) {
        int s = offset + t;
        float[] mask = new float[t * s];
        for (int i = 0; i < t; i++) {
            for (int j = offset + i + 1; j < s; j++) {
                mask[i * s + j] = -Float.MAX_VALUE;
            }
        }
        return scope.create(mask, new Shape(t, s));
    }

    @Override
    public void close() {
        manager.close();
    }
}
