package dev.aha.runtime.policy;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The fixed order and shapes of the policy's weights. The flat weight buffer (what the weight plane ships and what
 * {@link TransformerPolicy#exportWeights} writes) is these tensors back to back, each row-major, as little-endian
 * float32, with no header and no padding:
 *
 * <pre>
 *   wte            [vocab, d]          token embedding
 *   wpe            [context, d]        position embedding
 *   for each layer l = 0 .. layers-1:
 *     h.l.ln1.g    [d]     h.l.ln1.b    [d]        pre-attention LayerNorm
 *     h.l.attn.wqkv [d, 3d] h.l.attn.bqkv [3d]     fused q, k, v projection (q | k | v along the last axis)
 *     h.l.attn.wo  [d, d]  h.l.attn.bo  [d]        attention output projection
 *     h.l.ln2.g    [d]     h.l.ln2.b    [d]        pre-MLP LayerNorm
 *     h.l.mlp.w1   [d, m]  h.l.mlp.b1   [m]        m = mlpMultiplier * d
 *     h.l.mlp.w2   [m, d]  h.l.mlp.b2   [d]
 *   lnf.g [d]  lnf.b [d]                           final LayerNorm
 *   head           [d, vocab]          output head (not tied to wte)
 * </pre>
 *
 * Changing this order changes the wire format of every snapshot and checkpoint: append, never reorder.
 */
public final class ParameterLayout {

    /** Per-layer tensor names, in order, after the {@code h.<l>.} prefix. */
    static final List<String> LAYER_TENSORS = List.of(
            "ln1.g", "ln1.b", "attn.wqkv", "attn.bqkv", "attn.wo", "attn.bo",
            "ln2.g", "ln2.b", "mlp.w1", "mlp.b1", "mlp.w2", "mlp.b2");

    private final List<String> names;
    private final List<Shape> shapes;
    private final long totalElements;

    public ParameterLayout(PolicyConfig config) {
        List<String> n = new ArrayList<>();
        List<Shape> s = new ArrayList<>();
        int d = config.modelDim();
        int m = config.mlpDim();
        add(n, s, "wte", new Shape(config.vocabSize(), d));
        add(n, s, "wpe", new Shape(config.contextLength(), d));
        for (int l = 0; l < config.layers(); l++) {
            String p = "h." + l + ".";
            add(n, s, p + "ln1.g", new Shape(d));
            add(n, s, p + "ln1.b", new Shape(d));
            add(n, s, p + "attn.wqkv", new Shape(d, 3L * d));
            add(n, s, p + "attn.bqkv", new Shape(3L * d));
            add(n, s, p + "attn.wo", new Shape(d, d));
            add(n, s, p + "attn.bo", new Shape(d));
            add(n, s, p + "ln2.g", new Shape(d));
            add(n, s, p + "ln2.b", new Shape(d));
            add(n, s, p + "mlp.w1", new Shape(d, m));
            add(n, s, p + "mlp.b1", new Shape(m));
            add(n, s, p + "mlp.w2", new Shape(m, d));
            add(n, s, p + "mlp.b2", new Shape(d));
        }
        add(n, s, "lnf.g", new Shape(d));
        add(n, s, "lnf.b", new Shape(d));
        add(n, s, "head", new Shape(d, config.vocabSize()));
        this.names = Collections.unmodifiableList(n);
        this.shapes = Collections.unmodifiableList(s);
        this.totalElements = s.stream().mapToLong(Shape::size).sum();
    }

    private static void add(List<String> names, List<Shape> shapes, String name, Shape shape) {
        names.add(name);
        shapes.add(shape);
    }

    public List<String> names() {
        return names;
    }

    public List<Shape> shapes() {
        return shapes;
    }

    public long totalElements() {
        return totalElements;
    }

    /** Size of the flat float32 buffer. */
    public long totalBytes() {
        return totalElements * Float.BYTES;
    }
}
