package dev.aha.runtime.policy.gpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import dev.aha.runtime.engine.AlignedArrays;
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
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A small GPT-style decoder-only transformer: token and position embeddings, pre-norm blocks of causal
 * self-attention and a GELU MLP, a final LayerNorm and an untied output head.
 *
 * <p>Memory rule (DJL): an op's result belongs to the manager of its first operand. Every op here takes the
 * activation first, so all intermediates land in the caller's manager (the manager of the token array passed in):
 * run each call inside a short-lived sub-manager and nothing accumulates in the policy's own manager. The one op
 * whose first operand is a weight (slicing the position table) is re-attached explicitly.
 *
 * <p>Not thread-safe for concurrent calls on one instance; each rollout holds its own replica.
 */
public final class GptPolicy implements AdaptablePolicy {

    private static final float LAYER_NORM_EPS = 1e-5f;
    private static final float NEG_INF = -1e9f;

    private final GptConfig config;
    private final ParameterLayout layout;
    private final NDManager manager;
    private final List<PolicyParameter> parameters;
    /** 1/sqrt(head dim), made once: a fresh constant per layer and token cost as much as the multiply (see Scalars). */
    private final NDArray attentionScale;
    /** LoRA: each projection (attn.wqkv, attn.wo, mlp.w1, mlp.w2) adds its adapter term, if any, to its output. */
    private final AdapterSlot adapters = new AdapterSlot();

    private GptPolicy(GptConfig config, NDManager manager, List<PolicyParameter> parameters) {
        this.config = config;
        this.layout = config.layout();
        this.manager = manager;
        this.parameters = Collections.unmodifiableList(parameters);
        this.attentionScale = Scalars.constant(manager, 1.0 / Math.sqrt(config.headDim()));
    }

    /**
     * Builds a policy with GPT-2 style initial weights drawn from a Java RNG seeded by {@code config.initSeed()}
     * (the engine's RNG is global and shared by threads, so it would make replicas differ).
     *
     * @param parent the policy's weights live in a sub-manager of this one, on its device
     */
    public static GptPolicy create(GptConfig config, NDManager parent) {
        return create(config, parent, DataType.FLOAT32);
    }

    /** The same initial weights, stored and multiplied in {@code type} (a rollout's bf16 or f16 copy). */
    public static GptPolicy create(GptConfig config, NDManager parent, DataType type) {
        ParameterLayout layout = config.layout();
        NDManager manager = parent.newSubManager();
        Random rng = new Random(config.initSeed());
        List<PolicyParameter> params = new ArrayList<>();
        for (int i = 0; i < layout.names().size(); i++) {
            String name = layout.names().get(i);
            Shape shape = layout.shapes().get(i);
            NDArray array = AlignedArrays.of(manager, GptInit.values(config, name, shape, rng), shape);
            if (type != DataType.FLOAT32) {
                // Under bfloat16 only the matrices of products are narrowed (wpe is added, not multiplied).
                boolean product = shape.dimension() == 2 && !name.equals("wpe");
                array = product ? WeightMath.stored(array, type)
                        : WeightMath.stored(array, WeightMath.activationType(type));
            }
            array.setName(name);
            params.add(new PolicyParameter(name, shape, array));
        }
        return new GptPolicy(config, manager, params);
    }

    public GptConfig config() {
        return config;
    }

    @Override
    public String architecture() {
        return GptConfig.ARCHITECTURE;
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public int contextLength() {
        return config.contextLength();
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
        int t = Math.toIntExact(tokens.getShape().get(1));
        requireContext(t);
        NDManager scope = tokens.getManager();
        NDArray mask = CausalMask.of(scope, t, 0, NEG_INF);
        NDArray x = embed(tokens, 0);
        for (int l = 0; l < config.layers(); l++) {
            x = block(l, x, null, mask);
        }
        return layerNorm(x, "lnf");
    }

    @Override
    public NDArray outputHead(NDArray hidden) {
        return WeightMath.matMul(hidden, weight("head"));
    }

    @Override
    public Optional<OutputHeadWeight> outputHeadWeight() {
        return Optional.of(OutputHeadWeight.vocabularyColumns(weight("head")));
    }

    @Override
    public KvCache prefill(NDArray prompt, int batch) {
        int p = Math.toIntExact(prompt.getShape().get(1));
        requireContext(p);
        NDManager scope = prompt.getManager();
        KvCache cache = new KvCache(config.layers(), config.contextLength());
        NDArray x = embed(prompt, 0);
        NDArray mask = CausalMask.of(scope, p, 0, NEG_INF);
        for (int l = 0; l < config.layers(); l++) {
            x = block(l, x, cache, mask);
        }
        cache.repeatBatch(batch);
        NDArray last = head(x.get(new NDIndex(":, -1:, :"))).squeeze(1); // (1, V)
        cache.setLastLogits(last.repeat(0, batch));
        return cache;
    }

    /** {@inheritDoc} Costs one token's forward instead of a re-run of the prefix. */
    @Override
    public NDArray step(KvCache cache, NDArray next) {
        requireContext(cache.length() + 1);
        NDArray tokens = next.getShape().dimension() == 1 ? next.expandDims(1) : next;
        NDArray x = embed(tokens, cache.length());
        for (int l = 0; l < config.layers(); l++) {
            x = block(l, x, cache, null);
        }
        return head(x).squeeze(1);
    }

    @Override
    public NDArray decode(SlotCache cache, NDArray next) {
        NDManager scope = next.getManager();
        cache.beginStep(scope);
        NDArray tokens = next.getShape().dimension() == 1 ? next.expandDims(1) : next; // (B, 1)
        long b = tokens.getShape().get(0);
        int shared = cache.alignedPosition();
        NDArray x;
        if (shared >= 0) {
            x = embed(tokens, shared);
        } else {
            NDArray tok = WeightMath.embedding(tokens, weight("wte"));
            NDArray pos = weight("wpe").get(new NDIndex("{}", cache.stepPositions())); // each row its own: (B, d)
            pos.attach(scope);
            x = tok.add(pos.reshape(b, 1, config.modelDim()));
        }
        NDArray mask = cache.keyMask(scope); // (B, S) to go against scores (B, h, 1, S); null when rows align
        mask = mask == null ? null : mask.reshape(b, 1, 1, mask.getShape().get(1));
        for (int l = 0; l < config.layers(); l++) {
            x = block(l, x, cache, mask);
        }
        return head(x).squeeze(1);
    }

    private NDArray embed(NDArray tokens, int offset) {
        int t = Math.toIntExact(tokens.getShape().get(1));
        NDManager scope = tokens.getManager();
        NDArray tok = WeightMath.embedding(tokens, weight("wte"));
        NDArray pos = weight("wpe").get(new NDIndex("{}:{}", offset, offset + t));
        pos.attach(scope); // first operand was a weight: move the slice out of the policy's manager
        return tok.add(pos);
    }

    private NDArray block(int l, NDArray x, LayerCache cache, NDArray mask) {
        String p = "h." + l + ".";
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int d = config.modelDim();
        int h = config.heads();
        int hd = config.headDim();

        NDArray normed = layerNorm(x, p + "ln1");
        NDArray qkv = WeightMath.matMul(normed, weight(p + "attn.wqkv")).add(weight(p + "attn.bqkv")); // (B, T, 3d)
        qkv = adapters.add(p + "attn.wqkv", normed, qkv);
        NDList split = qkv.split(3, 2);
        NDArray q = heads(split.get(0), b, t, h, hd); // (B, h, T, hd)
        NDArray k = heads(split.get(1), b, t, h, hd);
        NDArray v = heads(split.get(2), b, t, h, hd);
        if (cache != null) {
            k = cache.append(l, k, v); // (B, h, S, hd), S = cached + T
            v = cache.values(l);
        }
        // Scores, mask and softmax in float32 whatever the weights' type.
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).toType(DataType.FLOAT32, false)
                .mul(attentionScale); // (B, h, T, S)
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray attended = scores.softmax(-1).toType(x.getDataType(), false).matMul(v)
                .transpose(0, 2, 1, 3).reshape(b, t, d); // (B, T, d)
        NDArray projected = WeightMath.matMul(attended, weight(p + "attn.wo")).add(weight(p + "attn.bo"));
        x = x.add(adapters.add(p + "attn.wo", attended, projected));

        NDArray normed2 = layerNorm(x, p + "ln2");
        NDArray hidden = WeightMath.matMul(normed2, weight(p + "mlp.w1")).add(weight(p + "mlp.b1"));
        NDArray activated = Activation.gelu(adapters.add(p + "mlp.w1", normed2, hidden));
        NDArray mlp = WeightMath.matMul(activated, weight(p + "mlp.w2")).add(weight(p + "mlp.b2"));
        return x.add(adapters.add(p + "mlp.w2", activated, mlp));
    }

    /** Sampling reads float32 logits whatever the weights' type. */
    private NDArray head(NDArray x) {
        return outputHead(layerNorm(x, "lnf")).toType(DataType.FLOAT32, false);
    }

    private NDArray layerNorm(NDArray x, String prefix) {
        return LayerNorm.layerNorm(
                        x, new Shape(config.modelDim()), weight(prefix + ".g"), weight(prefix + ".b"), LAYER_NORM_EPS)
                .singletonOrThrow();
    }

    private static NDArray heads(NDArray x, long b, long t, int h, int hd) {
        return x.reshape(b, t, h, hd).transpose(0, 2, 1, 3);
    }

    private NDArray weight(String name) {
        // Layout order is fixed; a linear scan over ~30 names is cheaper than it looks next to a matMul.
        for (PolicyParameter p : parameters) {
            if (p.name().equals(name)) {
                return p.array();
            }
        }
        throw new IllegalArgumentException("no parameter " + name);
    }

    @Override
    public void close() {
        manager.close();
    }
}
