package dev.aha.runtime.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * A decode step of one float16 sequence through a Llama-family decoder (RMS pre-norms, grouped-query attention with
 * rotary embeddings, optional q/k/v biases and per-head q/k norms, SwiGLU), every layer in one native call
 * ({@link NativeKernels#halfDecodeStep}). Op by op the step is ~100 products and ~1,000 small libtorch ops, which on
 * two cores cost a third as much again as reading the weights; here only the products' reads remain. Each value is
 * rounded to float16 where the op-by-op path rounds it, so both agree to float16's rounding.
 *
 * <p>The weights' addresses are resolved once ({@link #of}): only arrays that own contiguous memory are taken, since
 * DJL's view of any other array is a copy that an in-place weight update would not reach (finding that out leaves
 * two such copies in the array's manager; a policy's weights are contiguous as loaded). The weights must stay open
 * while this lives (they are the policy's); a closed embedding or cache is refused before each step. A
 * {@link #bind bound} key/value cache is written in place.
 *
 * <p>Not thread-safe; used from the rollout's compute thread.
 */
public final class HalfSequenceStep {

    /** Addresses per layer, in the order of {@link Layer}'s components and then the layer's keys and values. */
    static final int LAYER_TENSORS = 17;
    private static final int KEYS = 15;
    private static final int VALUES = 16;

    /** One layer's float16 tensors by transformers' names; biases and q/k norms are null where the model has none. */
    public record Layer(NDArray inputNorm, NDArray q, NDArray qBias, NDArray k, NDArray kBias, NDArray v,
            NDArray vBias, NDArray qNorm, NDArray kNorm, NDArray o, NDArray oBias, NDArray postNorm, NDArray gate,
            NDArray up, NDArray down) {

        private NDArray[] inOrder() {
            return new NDArray[] {inputNorm, q, qBias, k, kBias, v, vBias, qNorm, kNorm, o, oBias, postNorm, gate, up,
                down};
        }
    }

    /** The decoder's sizes. */
    public record Sizes(int hidden, int heads, int kvHeads, int headDim, int intermediate, int vocabulary) {}

    /** Whether {@link #of} built a step, or why not, in words. */
    public record Built(HalfSequenceStep step, String reason) {}

    private final Sizes sizes;
    private final float eps;
    private final float scaling;
    private final long[] model;
    private final long[] layers;
    private final NDArray anyWeight;
    private NDArray[] boundKeys;
    private int capacity;

    private HalfSequenceStep(Sizes sizes, float eps, float scaling, long[] model, long[] layers, NDArray anyWeight) {
        this.sizes = sizes;
        this.eps = eps;
        this.scaling = scaling;
        this.model = model;
        this.layers = layers;
        this.anyWeight = anyWeight;
    }

    /** Which path a decode step of one float16 sequence takes, in words: for bench reports. */
    public static String describe() {
        return NativeKernels.available()
                ? "aha native decode step (one call per token: Llama-family models without LoRA adapters in the slot)"
                : "libtorch op by op (" + NativeKernels.describe() + ")";
    }

    /**
     * A step over these weights, or the reason there is none: the native kernels are not loaded, a tensor is not
     * float16 on the CPU, has the wrong shape, or does not own contiguous memory.
     *
     * @param eps the RMS norms' epsilon
     * @param scaling what attention scores are multiplied by (head_dim^-0.5)
     */
    public static Built of(Sizes sizes, float eps, float scaling, NDArray embedding, NDArray finalNorm,
            NDArray outputHead, List<Layer> layerTensors) {
        if (!NativeKernels.available()) {
            return new Built(null, "the native kernels are off: " + NativeKernels.describe());
        }
        if (sizes.headDim() % 2 != 0 || sizes.kvHeads() <= 0 || sizes.heads() % sizes.kvHeads() != 0) {
            return new Built(null, "heads " + sizes.heads() + " over kv heads " + sizes.kvHeads() + " of head dim "
                    + sizes.headDim() + " are not a grouped-query layout with rotary pairs");
        }
        List<String> problems = new ArrayList<>();
        long d = sizes.hidden();
        long q = (long) sizes.heads() * sizes.headDim();
        long kv = (long) sizes.kvHeads() * sizes.headDim();
        long[] model = {
            address("embedding", embedding, new Shape(sizes.vocabulary(), d), problems),
            address("final norm", finalNorm, new Shape(d), problems),
            address("output head", outputHead, new Shape(sizes.vocabulary(), d), problems)};
        long[] table = new long[layerTensors.size() * LAYER_TENSORS];
        Shape[] shapes = {new Shape(d), new Shape(q, d), new Shape(q), new Shape(kv, d), new Shape(kv),
            new Shape(kv, d), new Shape(kv), new Shape(sizes.headDim()), new Shape(sizes.headDim()), new Shape(d, q),
            new Shape(d), new Shape(d), new Shape(sizes.intermediate(), d), new Shape(sizes.intermediate(), d),
            new Shape(d, sizes.intermediate())};
        boolean[] optional = {false, false, true, false, true, false, true, true, true, false, true, false, false,
            false, false};
        for (int l = 0; l < layerTensors.size(); l++) {
            Layer layer = layerTensors.get(l);
            if ((layer.qNorm() == null) != (layer.kNorm() == null)) {
                problems.add("layer " + l + " has a q norm or a k norm without the other");
            }
            NDArray[] tensors = layer.inOrder();
            for (int i = 0; i < tensors.length; i++) {
                if (tensors[i] == null && optional[i]) {
                    continue;
                }
                table[l * LAYER_TENSORS + i] = address("layer " + l + " tensor " + i, tensors[i], shapes[i],
                        problems);
            }
        }
        if (!problems.isEmpty()) {
            return new Built(null, String.join("; ", problems));
        }
        return new Built(new HalfSequenceStep(sizes, eps, scaling, model, table, embedding), "");
    }

    /**
     * Writes each step's key and value into these buffers, one pair per layer, (slots, kv heads, capacity, head dim)
     * float16: the sequence is slot 0's. A step needs the buffers it was bound to last.
     */
    public void bind(NDArray[] keys, NDArray[] values) {
        int count = layers.length / LAYER_TENSORS;
        if (keys.length != count || values.length != count) {
            throw new IllegalArgumentException("a cache of " + keys.length + " layers for a decoder of " + count);
        }
        List<String> problems = new ArrayList<>();
        Shape first = keys[0].getShape();
        if (first.dimension() != 4 || first.get(1) != sizes.kvHeads() || first.get(3) != sizes.headDim()) {
            throw new IllegalArgumentException("cache buffers of (slots, " + sizes.kvHeads() + ", capacity, "
                    + sizes.headDim() + ") expected, got " + first);
        }
        long[] addresses = new long[2 * count];
        for (int l = 0; l < count; l++) {
            addresses[2 * l] = address("keys of layer " + l, keys[l], first, problems);
            addresses[2 * l + 1] = address("values of layer " + l, values[l], first, problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        for (int l = 0; l < count; l++) {
            layers[l * LAYER_TENSORS + KEYS] = addresses[2 * l];
            layers[l * LAYER_TENSORS + VALUES] = addresses[2 * l + 1];
        }
        boundKeys = keys;
        capacity = Math.toIntExact(first.get(2));
    }

    /** Whether {@link #bind} was last called with these buffers. */
    public boolean isBoundTo(NDArray[] keys) {
        return boundKeys == keys;
    }

    /**
     * Decodes {@code token} at {@code position}: its key and value go to slot 0 at that position in every layer, and
     * it attends to positions 0 .. position. Returns the float32 logits (1, vocabulary) in {@code scope}.
     *
     * @param cos the rotary table's cos at {@code position} (head dim)
     * @param sin its sin
     */
    public NDArray decode(int token, int position, float[] cos, float[] sin, NDManager scope) {
        if (boundKeys == null) {
            throw new IllegalStateException("no key/value cache bound");
        }
        if (anyWeight.isReleased() || boundKeys[0].isReleased()) {
            throw new IllegalStateException("the weights or the cache of this step were closed");
        }
        if (token < 0 || token >= sizes.vocabulary()) {
            throw new IllegalArgumentException("token " + token + " is outside the vocabulary of "
                    + sizes.vocabulary());
        }
        if (position < 0 || position >= capacity) {
            throw new IllegalArgumentException("position " + position + " is outside the cache's " + capacity);
        }
        if (cos.length != sizes.headDim() || sin.length != sizes.headDim()) {
            throw new IllegalArgumentException("rotary tables of " + sizes.headDim() + " expected, got " + cos.length
                    + " and " + sin.length);
        }
        if (JniUtils.isGradMode()) {
            throw new IllegalStateException("a native decode step records no gradients; call it without autograd");
        }
        int[] shape = {sizes.hidden(), sizes.heads(), sizes.kvHeads(), sizes.headDim(), sizes.intermediate(),
            sizes.vocabulary(), capacity, layers.length / LAYER_TENSORS};
        NDArray logits = scope.create(new Shape(1, sizes.vocabulary()), DataType.FLOAT32);
        int status = NativeKernels.halfDecodeStep(layers, model, shape, token, position, cos, sin, eps, scaling,
                HalfGemv.view(logits));
        if (status != 0) {
            logits.close();
            throw new IllegalStateException("the native decode step failed (out of native memory?)");
        }
        return logits;
    }

    /**
     * The address of {@code a}'s own memory after checking it is float16 of {@code shape} on the CPU; 0 (and a
     * problem) otherwise. DJL's view of a contiguous array is its memory, of any other a fresh copy: two views at one
     * address are the array's own.
     */
    private static long address(String what, NDArray a, Shape shape, List<String> problems) {
        if (a == null) {
            problems.add(what + " is missing");
            return 0;
        }
        if (a.getDataType() != DataType.FLOAT16 || !Device.Type.CPU.equals(a.getDevice().getDeviceType())
                || !a.getShape().equals(shape)) {
            problems.add(what + " is " + a.getDataType() + " " + a.getShape() + " on " + a.getDevice()
                    + ", not float16 " + shape + " on the CPU");
            return 0;
        }
        long first = NativeKernels.address(HalfGemv.view(a));
        long second = NativeKernels.address(HalfGemv.view(a));
        if (first == 0 || first != second) {
            problems.add(what + " does not own contiguous memory");
            return 0;
        }
        return first;
    }
}
