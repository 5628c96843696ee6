package dev.aha.runtime.policy.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.aha.runtime.engine.HalfSequenceStep;
import dev.aha.runtime.engine.Scalars;
import dev.aha.runtime.policy.AdaptablePolicy;
import dev.aha.runtime.policy.AdapterSlot;
import dev.aha.runtime.policy.CausalMask;
import dev.aha.runtime.policy.KvCache;
import dev.aha.runtime.policy.KvShape;
import dev.aha.runtime.policy.LayerCache;
import dev.aha.runtime.policy.OutputHeadWeight;
import dev.aha.runtime.policy.ParameterLayout;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.SlotCache;
import dev.aha.runtime.policy.WeightMath;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
public final class LlamaPolicy implements AdaptablePolicy {

    private static final Logger LOG = LoggerFactory.getLogger(LlamaPolicy.class);

    private final LlamaConfig config;
    private final int contextLength;
    private final ParameterLayout layout;
    private final NDManager manager;
    private final List<PolicyParameter> parameters;
    private final NDArray embedTokens;
    private final NDArray finalNorm;
    private final NDArray lmHead;
    private final List<LlamaBlock> layers;
    private final RotaryEmbedding rope;
    private final float eps;
    private final AdapterSlot adapters = new AdapterSlot();
    /** One float16 sequence's decode step in one native call; built on first use, null when it cannot be. */
    private HalfSequenceStep halfStep;
    private boolean halfStepTried;

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
        // transformers: self.head_dim ** -0.5; made once, as a fresh constant per layer and token costs as much as
        // the multiply (see Scalars)
        NDArray scaling = Scalars.constant(manager, Math.pow(config.headDim(), -0.5));
        List<LlamaBlock> list = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            list.add(new LlamaBlock(i, config, scaling, byName, adapters));
        }
        this.layers = List.copyOf(list);
        this.rope = new RotaryEmbedding(RopeFrequencies.of(config), contextLength);
        this.eps = (float) config.rmsNormEps();
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

    /**
     * The same with weights stored and multiplied in {@code type} (a rollout's bf16 or f16 copy). Under bfloat16 only
     * the matrices are narrowed; norm weights and biases stay float32, like the activations (see {@link WeightMath}).
     */
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
            NDArray array = shape.dimension() == 2 ? WeightMath.stored(manager.zeros(shape), type)
                    : manager.zeros(shape, WeightMath.activationType(type));
            array.setName(name);
            params.add(new PolicyParameter(name, shape, array));
        }
        return new LlamaPolicy(config, contextLength, manager, params);
    }

    /**
     * A policy over {@code base}'s own weight tensors, without copying them: each weight is a view of the same
     * storage, held by array objects of its own in a sub-manager of {@code parent} (so another thread may multiply
     * through them while {@code base}'s owner uses its own), with adapter slots of its own. Closing it frees the
     * views; the storage lives until {@code base} is closed too.
     */
    public static LlamaPolicy sharing(LlamaPolicy base, NDManager parent) {
        NDManager manager = parent.newSubManager();
        try {
            List<PolicyParameter> params = new ArrayList<>();
            for (PolicyParameter p : base.parameters) {
                NDArray view = p.array().reshape(p.shape());
                view.attach(manager);
                view.setName(p.name());
                params.add(new PolicyParameter(p.name(), p.shape(), view));
            }
            return new LlamaPolicy(base.config, base.contextLength, manager, params);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
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

    @Override
    public AdapterSlot adapterSlot() {
        return adapters;
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

    /** lm_head.weight, or embed_tokens.weight when tied: its gradient then also receives the embedding's. */
    @Override
    public Optional<OutputHeadWeight> outputHeadWeight() {
        return Optional.of(OutputHeadWeight.vocabularyRows(lmHead));
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
        NDManager scope = next.getManager();
        if (cache.rows() == 1 && next.size() == 1 && cache.type() == DataType.FLOAT16 && adapters.isEmpty()
                && !JniUtils.isGradMode() && halfStep() != null) {
            return decodeNatively(cache, next, scope);
        }
        cache.beginStep(scope);
        NDArray tokens = next.getShape().dimension() == 1 ? next.expandDims(1) : next; // (B, 1)
        long b = tokens.getShape().get(0);
        int hd = config.headDim();
        NDArray[] cosSin = rope.cosSinAt(scope, cache.positions()); // (B, hd): each row at its own position
        NDArray mask = cache.keyMask(scope); // (B, S) to go against scores (B, kv, g, 1, S); null when rows align
        mask = mask == null ? null : mask.reshape(b, 1, 1, 1, mask.getShape().get(1));
        NDArray hidden = WeightMath.embedding(tokens, embedTokens);
        hidden = layers(hidden,
                cosSin[0].reshape(b, 1, 1, 1, hd), cosSin[1].reshape(b, 1, 1, 1, hd), // against q (B, kv, g, 1, hd)
                cosSin[0].reshape(b, 1, 1, hd), cosSin[1].reshape(b, 1, 1, hd), // against k (B, kv, 1, hd)
                mask, cache);
        return logitsF32(lmHead(hidden)).squeeze(1);
    }

    /** One float16 sequence without adapters: every layer in one native call, as the layers compute it op by op. */
    private NDArray decodeNatively(SlotCache cache, NDArray next, NDManager scope) {
        cache.beginStep(scope);
        if (!halfStep.isBoundTo(cache.keyBuffers())) {
            halfStep.bind(cache.keyBuffers(), cache.valueBuffers());
        }
        int position = cache.length(0);
        requireContext(position + 1);
        float[][] tables = rope.tablesAt(position);
        NDArray logits = halfStep.decode(next.toArray()[0].intValue(), position, tables[0], tables[1],
                scope);
        cache.advanceSingleRow();
        return logits;
    }

    /** The native step over this policy's weights, made on first call; null (and said once) where it cannot be. */
    private HalfSequenceStep halfStep() {
        if (!halfStepTried) {
            halfStepTried = true;
            List<HalfSequenceStep.Layer> tensors = new ArrayList<>();
            for (LlamaBlock layer : layers) {
                tensors.add(layer.tensors());
            }
            HalfSequenceStep.Built built = HalfSequenceStep.of(
                    new HalfSequenceStep.Sizes(config.hiddenSize(), config.numAttentionHeads(),
                            config.numKeyValueHeads(), config.headDim(), config.intermediateSize(),
                            config.vocabSize()),
                    eps, (float) Math.pow(config.headDim(), -0.5), embedTokens, finalNorm, lmHead, tensors);
            halfStep = built.step();
            if (halfStep == null) {
                LOG.info("one float16 sequence decodes op by op: {}", built.reason());
            } else {
                LOG.info("one float16 sequence decodes in one native call per step");
            }
        }
        return halfStep;
    }

    /**
     * Embedding, the decoder layers and the final norm over {@code tokens} (B, T) at positions offset..offset+T-1;
     * the keys and values of every layer go to {@code cache} when there is one. Returns (B, T, hidden).
     */
    private NDArray decoder(NDArray tokens, int offset, KvCache cache) {
        NDManager scope = tokens.getManager();
        int t = Math.toIntExact(tokens.getShape().get(1));
        NDArray[] cosSin = rope.cosSin(scope, offset, t);
        // One new token may see every cached one. Masked scores get float32's lowest value, as transformers' eager
        // mask (torch.finfo.min).
        NDArray mask = t > 1 ? CausalMask.of(scope, t, offset, -Float.MAX_VALUE) : null;
        NDArray hidden = WeightMath.embedding(tokens, embedTokens);
        return layers(hidden, cosSin[0], cosSin[1], cosSin[0], cosSin[1], mask, cache);
    }

    /** The decoder layers and the final norm; cos/sin broadcast against q (B, kv, g, T, hd) and k (B, kv, T, hd). */
    private NDArray layers(NDArray hidden, NDArray cosQ, NDArray sinQ, NDArray cosK, NDArray sinK, NDArray mask,
            LayerCache cache) {
        DataType type = hidden.getDataType();
        NDArray[] rotation = {cosQ.toType(type, false), sinQ.toType(type, false), cosK.toType(type, false),
            sinK.toType(type, false)};
        for (LlamaBlock layer : layers) {
            hidden = layer.forward(hidden, rotation, mask, cache);
        }
        return LlamaBlock.rmsNorm(hidden, finalNorm, eps);
    }

    private NDArray lmHead(NDArray hidden) {
        return LlamaBlock.linear(hidden, lmHead, null);
    }

    /** Sampling reads float32 logits whatever the weights' type. */
    private static NDArray logitsF32(NDArray logits) {
        return logits.toType(DataType.FLOAT32, false);
    }

    @Override
    public void close() {
        manager.close();
    }
}
