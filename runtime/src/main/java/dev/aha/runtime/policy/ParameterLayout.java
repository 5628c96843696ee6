package dev.aha.runtime.policy;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixed order, names and shapes of a policy's weights. The flat weight image (what the weight plane ships and
 * what {@link Policy#exportWeights} writes) is these tensors back to back, each row-major, as little-endian float32,
 * with no header and no padding. Names are the checkpoint's tensor names: for a Hugging Face model, transformers'
 * own. Changing an architecture's order changes the wire format of its snapshots: append, never reorder.
 */
public final class ParameterLayout {

    private final List<String> names;
    private final List<Shape> shapes;
    private final long totalElements;

    private ParameterLayout(List<String> names, List<Shape> shapes) {
        this.names = List.copyOf(names);
        this.shapes = List.copyOf(shapes);
        this.totalElements = shapes.stream().mapToLong(Shape::size).sum();
    }

    /** Collects tensors in order. */
    public static final class Builder {
        private final List<String> names = new ArrayList<>();
        private final List<Shape> shapes = new ArrayList<>();

        public Builder add(String name, long... dims) {
            if (names.contains(name)) {
                throw new IllegalArgumentException("tensor " + name + " is in the layout twice");
            }
            names.add(name);
            shapes.add(new Shape(dims));
            return this;
        }

        public ParameterLayout build() {
            return new ParameterLayout(names, shapes);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> names() {
        return names;
    }

    public List<Shape> shapes() {
        return shapes;
    }

    public int size() {
        return names.size();
    }

    /** Index of {@code name}, or -1. */
    public int indexOf(String name) {
        return names.indexOf(name);
    }

    public long totalElements() {
        return totalElements;
    }

    /** Size of the flat float32 image. */
    public long totalBytes() {
        return totalElements * Float.BYTES;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterLayout other && names.equals(other.names) && shapes.equals(other.shapes);
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 31 + shapes.hashCode();
    }

    @Override
    public String toString() {
        return "ParameterLayout(" + names.size() + " tensors, " + totalElements + " parameters)";
    }
}
