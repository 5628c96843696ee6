package dev.aha.runtime.policy.hf;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.engine.BFloat16;
import dev.aha.runtime.policy.WeightMath;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import org.agrona.BufferUtil;

/**
 * Moves one weight tensor's float32 bytes in and out of an NDArray in place. On the CPU the engine hands a view of
 * the tensor's own memory, so a load is one copy from the file and an export reads the weights without a copy; on
 * an accelerator (or another dtype) the bytes are staged through a temporary host array.
 *
 * <p>A ByteBuffer holds under 2 GiB and DJL makes one from a tensor in one call, while the embeddings of 7-8B models
 * pass that in float32 (Qwen2.5-7B's 152,064 x 3,584: 2.18 GB). A tensor larger than {@link #pieceBytes} therefore
 * moves in pieces of whole rows (along its first axis), each a view of the tensor's memory (a detached slice: no
 * copy, no autograd record), handed over in order with the index of its first element.
 */
public final class TensorBytes {

    /**
     * The largest piece, in float32 bytes: 1 GiB, half of what a ByteBuffer can hold. Package-private so that tests
     * can lower it and send small tensors through the pieces.
     */
    static long pieceBytes = 1L << 30;

    private TensorBytes() {}

    /** Fills one piece: {@code piece} holds the float32 bytes of elements {@code firstElement} onward. */
    @FunctionalInterface
    public interface PieceFill {
        void fill(long firstElement, ByteBuffer piece);
    }

    /**
     * Elements per piece of a tensor of {@code shape}: whole rows (a row being all but the first axis), as many as
     * fit {@link #pieceBytes}, at least one. Sources that make tensors may hand them over in pieces of this size.
     */
    public static long pieceElements(long[] shape) {
        long row = rowElements(shape);
        long rowBytes = row * Float.BYTES;
        if (rowBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a row of " + row + " float32 values does not fit one buffer");
        }
        return Math.max(1, pieceBytes / rowBytes) * row;
    }

    /** Lets {@code fill} write the tensor's little-endian float32 bytes straight into it, piece by piece. */
    public static void fill(NDArray target, PieceFill fill) {
        long[] shape = target.getShape().getShape();
        long size = target.getShape().size();
        long per = pieceElements(shape);
        if (size <= per) {
            fillWhole(target, 0, fill);
            return;
        }
        long rowsPer = per / rowElements(shape);
        try (NDManager views = target.getManager().newSubManager()) {
            NDArray detached = target.stopGradient(); // the same memory, outside autograd
            detached.attach(views);
            for (long row = 0; row < shape[0]; row += rowsPer) {
                NDIndex rows = new NDIndex("{}:{}", row, Math.min(shape[0], row + rowsPer));
                long first = row * rowElements(shape);
                try (NDManager piece = views.newSubManager()) {
                    if (isHostFloat32(target) || BFloat16.holds(target)) {
                        NDArray view = detached.get(rows);
                        view.attach(piece);
                        fillWhole(view, first, fill);
                    } else {
                        staged(piece, pieceShape(shape, row, rowsPer), first, fill,
                                f32 -> detached.set(rows, f32.toType(target.getDataType(), false)));
                    }
                }
            }
        }
    }

    /**
     * Hands {@code source}'s values as little-endian float32 bytes to {@code use}, piece by piece in order; each
     * buffer is valid only during its call.
     */
    public static void read(NDArray source, Consumer<ByteBuffer> use) {
        long[] shape = source.getShape().getShape();
        long per = pieceElements(shape);
        if (source.getShape().size() <= per) {
            readWhole(source, use);
            return;
        }
        long rowsPer = per / rowElements(shape);
        try (NDManager views = source.getManager().newSubManager()) {
            NDArray detached = source.stopGradient();
            detached.attach(views);
            for (long row = 0; row < shape[0]; row += rowsPer) {
                try (NDManager piece = views.newSubManager()) {
                    NDArray view = detached.get(new NDIndex("{}:{}", row, Math.min(shape[0], row + rowsPer)));
                    view.attach(piece);
                    readWhole(view, use);
                }
            }
        }
    }

    private static void fillWhole(NDArray target, long first, PieceFill fill) {
        if (isHostFloat32(target)) {
            fill.fill(first, target.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN));
            return;
        }
        staged(target.getManager(), target.getShape(), first, fill, f32 -> WeightMath.assign(target, f32));
    }

    /**
     * Hands {@code use} a float32 array of {@code shape} on {@code manager}'s device, filled on the host by
     * {@code fill}. Its host memory is given back as soon as {@code use} returns: an import of narrow weights stages
     * the whole model piece by piece, and direct memory left to the collector piles up (12 GB for a 3B model) when
     * the heap is too quiet to trigger one.
     */
    private static void staged(NDManager manager, Shape shape, long first, PieceFill fill, Consumer<NDArray> use) {
        ByteBuffer host = ByteBuffer.allocateDirect(Math.toIntExact(shape.size() * Float.BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        try {
            fill.fill(first, host.duplicate().order(ByteOrder.LITTLE_ENDIAN));
            try (NDManager staging = manager.newSubManager()) { // on the CPU the array is over the host memory
                use.accept(staging.create(host, shape, DataType.FLOAT32));
            }
        } finally {
            BufferUtil.free(host); // only once the array over it is closed
        }
    }

    private static void readWhole(NDArray source, Consumer<ByteBuffer> use) {
        if (isHostFloat32(source)) {
            use.accept(source.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN));
            return;
        }
        try (NDManager staging = source.getManager().newSubManager(Device.cpu())) {
            NDArray f32 = WeightMath.hostFloat32(source, staging);
            use.accept(f32.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN));
        }
    }

    /** The shape of the piece that starts at {@code row}: {@code rowsPer} rows, fewer at the end. */
    private static Shape pieceShape(long[] shape, long row, long rowsPer) {
        long[] piece = shape.clone();
        piece[0] = Math.min(rowsPer, shape[0] - row);
        return new Shape(piece);
    }

    private static long rowElements(long[] shape) {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    private static boolean isHostFloat32(NDArray a) {
        return a.getDataType() == DataType.FLOAT32 && Device.Type.CPU.equals(a.getDevice().getDeviceType());
    }
}
