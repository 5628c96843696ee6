package dev.aha.runtime.policy.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import dev.aha.runtime.engine.HalfGemv;
import dev.aha.runtime.engine.HalfSequenceStep;
import dev.aha.runtime.policy.AdapterSlot;
import dev.aha.runtime.policy.LayerCache;
import dev.aha.runtime.policy.WeightMath;

/**
 * One decoder layer of a Llama-family model, as {@link LlamaPolicy} describes it: self-attention with grouped-query
 * heads (and Qwen3's q/k norms), then the SwiGLU MLP, each around a residual. Biases and q/k norms are null when the
 * model type has none. Whatever the weights' type, norms, attention scores and softmax run in float32, as
 * transformers does (under bfloat16 weights the whole residual stream does, see {@link WeightMath}).
 */
final class LlamaBlock {

    private final int index;
    private final LlamaConfig config;
    private final NDArray scaling;
    private final float eps;
    private final NDArray inputNorm;
    private final NDArray qWeight;
    private final NDArray qBias;
    private final NDArray kWeight;
    private final NDArray kBias;
    private final NDArray vWeight;
    private final NDArray vBias;
    private final NDArray oWeight;
    private final NDArray oBias;
    private final NDArray qNorm;
    private final NDArray kNorm;
    private final NDArray postAttentionNorm;
    private final NDArray gate;
    private final NDArray up;
    private final NDArray down;
    private final LlamaConfig.Names names;
    private final AdapterSlot adapters;

    /**
     * @param weights the policy's parameters by transformers' names
     * @param adapters the policy's LoRA slot: each projection adds its adapter term, if any, to its output
     */
    LlamaBlock(int index, LlamaConfig config, NDArray scaling, java.util.Map<String, NDArray> weights,
            AdapterSlot adapters) {
        LlamaConfig.Names n = new LlamaConfig.Names(index);
        this.names = n;
        this.adapters = adapters;
        this.index = index;
        this.config = config;
        this.scaling = scaling;
        this.eps = (float) config.rmsNormEps();
        this.inputNorm = weights.get(n.inputNorm);
        this.qWeight = weights.get(n.qWeight);
        this.qBias = weights.get(n.qBias);
        this.kWeight = weights.get(n.kWeight);
        this.kBias = weights.get(n.kBias);
        this.vWeight = weights.get(n.vWeight);
        this.vBias = weights.get(n.vBias);
        this.oWeight = weights.get(n.oWeight);
        this.oBias = weights.get(n.oBias);
        this.qNorm = weights.get(n.qNorm);
        this.kNorm = weights.get(n.kNorm);
        this.postAttentionNorm = weights.get(n.postAttentionNorm);
        this.gate = weights.get(n.gate);
        this.up = weights.get(n.up);
        this.down = weights.get(n.down);
    }

    /** This layer's tensors for a native decode step (see {@link HalfSequenceStep}). */
    HalfSequenceStep.Layer tensors() {
        return new HalfSequenceStep.Layer(inputNorm, qWeight, qBias, kWeight, kBias, vWeight, vBias, qNorm, kNorm,
                oWeight, oBias, postAttentionNorm, gate, up, down);
    }

    /**
     * hidden + attention(input_norm(hidden)), then + mlp(post_attention_norm(hidden)).
     *
     * @param rotation cos and sin against q (B, kv, g, T, hd), then against k (B, kv, T, hd)
     * @param mask added to the scores (B, kv, g, T, S), or null
     * @param cache where this layer's keys and values go, or null
     */
    NDArray forward(NDArray hidden, NDArray[] rotation, NDArray mask, LayerCache cache) {
        hidden = hidden.add(attention(hidden, rotation, mask, cache));
        return hidden.add(mlp(hidden));
    }

    /**
     * q, k and v of input_norm(hidden): for one float16 row without adapters in one native call (norm and the three
     * products, see {@link HalfGemv#normLinear}), else op by op.
     */
    private NDArray[] projections(NDArray hidden) {
        if (adapters.isEmpty() && HalfGemv.appliesNormed(hidden, inputNorm, qWeight, kWeight, vWeight)) {
            NDArray qkv = HalfGemv.normLinear(hidden, inputNorm, eps, new NDArray[] {qWeight, kWeight, vWeight},
                    new NDArray[] {qBias, kBias, vBias});
            long q = qWeight.getShape().get(0);
            return qkv.split(new long[] {q, q + kWeight.getShape().get(0)}, qkv.getShape().dimension() - 1)
                    .toArray(new NDArray[0]);
        }
        NDArray x = rmsNorm(hidden, inputNorm, eps);
        return new NDArray[] {adapters.add(names.qWeight, x, linear(x, qWeight, qBias)),
            adapters.add(names.kWeight, x, linear(x, kWeight, kBias)),
            adapters.add(names.vWeight, x, linear(x, vWeight, vBias))};
    }

    private NDArray attention(NDArray hidden, NDArray[] rotation, NDArray mask, LayerCache cache) {
        long b = hidden.getShape().get(0);
        long t = hidden.getShape().get(1);
        int kvHeads = config.numKeyValueHeads();
        int groups = config.groups();
        int hd = config.headDim();

        // (B, T, heads*hd) viewed as (B, T, kv, g, hd): query head kv*g + j belongs to kv head kv, as in repeat_kv.
        NDArray[] qkv = projections(hidden);
        NDArray q = qkv[0].reshape(b, t, kvHeads, groups, hd);
        NDArray k = qkv[1].reshape(b, t, kvHeads, hd);
        NDArray v = qkv[2].reshape(b, t, kvHeads, hd).transpose(0, 2, 1, 3);
        if (config.qkNorm()) {
            q = rmsNorm(q, qNorm, eps); // over head_dim, before RoPE (Qwen3Attention)
            k = rmsNorm(k, kNorm, eps);
        }
        q = RotaryEmbedding.apply(q.transpose(0, 2, 3, 1, 4), rotation[0], rotation[1]); // (B, kv, g, T, hd)
        k = RotaryEmbedding.apply(k.transpose(0, 2, 1, 3), rotation[2], rotation[3]); // (B, kv, T, hd)
        if (cache != null) {
            k = cache.append(index, k, v); // keys after RoPE, kv heads only: (B, kv, S, hd)
            v = cache.values(index);
        }
        long s = k.getShape().get(2);
        // One sequence's decode step multiplies a few rows by a few: libtorch hands float16 products of that size to
        // oneDNN at several times the cost of float32 ones (and the scores go to float32 anyway). Batches keep
        // float16: widening every row's cache would cost more than it saves.
        DataType type = hidden.getDataType();
        boolean wide = t == 1 && b == 1 && type == DataType.FLOAT16;
        DataType productType = wide ? DataType.FLOAT32 : type;
        NDArray scores = q.reshape(b, kvHeads, groups * t, hd).toType(productType, false)
                .matMul(k.toType(productType, false).transpose(0, 1, 3, 2)).toType(DataType.FLOAT32, false)
                .mul(scaling);
        scores = scores.reshape(b, kvHeads, groups, t, s); // (B, kv, g, T, S)
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray attended = scores.softmax(-1).toType(productType, false).reshape(b, kvHeads, groups * t, s)
                .matMul(v.toType(productType, false)).toType(type, false); // (B, kv, g*T, hd)
        NDArray merged = attended.reshape(b, kvHeads, groups, t, hd).transpose(0, 3, 1, 2, 4)
                .reshape(b, t, (long) config.numAttentionHeads() * hd);
        return adapters.add(names.oWeight, merged, linear(merged, oWeight, oBias));
    }

    /**
     * down_proj(silu(gate_proj(x)) * up_proj(x)) of x = post_attention_norm(hidden), silu(z) = z * sigmoid(z); for
     * one float16 row without adapters, the norm, both products and the gate in one native call.
     */
    private NDArray mlp(NDArray hidden) {
        if (adapters.isEmpty() && HalfGemv.appliesNormed(hidden, postAttentionNorm, gate, up)) {
            return linear(HalfGemv.normGated(hidden, postAttentionNorm, eps, gate, up), down, null);
        }
        NDArray x = rmsNorm(hidden, postAttentionNorm, eps);
        NDArray g = adapters.add(names.gate, x, linear(x, gate, null));
        NDArray h = g.mul(Activation.sigmoid(g)).mul(adapters.add(names.up, x, linear(x, up, null)));
        return adapters.add(names.down, h, linear(h, down, null));
    }

    /**
     * x / sqrt(mean(x^2) + eps) * weight over the last axis, in float32 (transformers multiplies by rsqrt, which
     * libtorch computes as 1/sqrt: the same value to one rounding), back in x's type before the weight.
     */
    static NDArray rmsNorm(NDArray x, NDArray weight, float eps) {
        DataType type = x.getDataType();
        NDArray x32 = x.toType(DataType.FLOAT32, false);
        NDArray variance = x32.square().mean(new int[] {-1}, true);
        return x32.div(variance.add(eps).sqrt()).toType(type, false).mul(weight);
    }

    /** nn.Linear: x W^T + b, with W stored [out, in] as in the checkpoint. */
    static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return WeightMath.linear(x, weight, bias);
    }
}
