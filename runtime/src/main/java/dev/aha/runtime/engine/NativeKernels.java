package dev.aha.runtime.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code libaha_kernels.so}: Aha's own native loops, where libtorch's are far from the machine's limit: the float16
 * one-row products of {@link HalfGemv} (with the norm and gate around them), and a whole decode step of one float16
 * sequence of a Llama-family model ({@link HalfSequenceStep}). Built from {@code runtime/src/main/c} in the compile
 * phase and carried in the jar; loaded once per JVM from a temporary copy.
 *
 * <p>{@code AHA_F16_KERNEL=libtorch} leaves the library unloaded, so libtorch computes every product and op (for
 * comparison, or should the loops misbehave on some CPU). Without the library (no C compiler at build time, another
 * platform) or without AVX-512, the same happens, and {@link #describe()} says why.
 */
public final class NativeKernels {

    private static final Logger LOG = LoggerFactory.getLogger(NativeKernels.class);
    private static final String RESOURCE = "native/linux-x86_64/libaha_kernels.so";
    /** The variable that turns the kernels off. */
    public static final String SWITCH = "AHA_F16_KERNEL";

    private static final State STATE = loadAndLog();

    private NativeKernels() {}

    /** Whether the native products and decode step may be called. */
    public static boolean available() {
        return STATE.level > 0;
    }

    /** Which float16 product a one-row decode step runs, in words: for start-up lines and bench reports. */
    public static String describe() {
        return STATE.description;
    }

    /**
     * y = W_i x (+ b_i) for each weight, the outputs stacked in {@code y}; or, {@code gated} (two weights, gate and
     * up), y = silu(gate x) * (up x). Everything float16 in direct buffers in native order: {@code x} (cols),
     * normalised first (RMS norm with weight {@code norm}, {@code eps}) unless {@code norm} is null; each weight (rows,
     * cols); {@code biases} null or one per weight, each null or (rows). Sums in float32 and rounds each output once;
     * the rows are shared among libtorch's OpenMP threads, as many as this thread's intra-op setting. The caller
     * checks the sizes.
     *
     * @return 0, or -1 when a buffer was not direct, memory ran out or the CPU lacks the instructions (nothing
     *     written; the first and last cannot happen to a caller that checked {@link #available()} and passes
     *     {@code toByteBuffer(true)} views)
     */
    static native int halfProducts(ByteBuffer x, ByteBuffer norm, float eps, ByteBuffer[] weights, ByteBuffer[] biases,
            ByteBuffer y, int cols, boolean gated);

    /**
     * One decode step of one float16 sequence of a Llama-family model, every layer in one call (see
     * {@link HalfSequenceStep}, which builds the tables and checks every size and address): {@code layers} holds
     * {@link HalfSequenceStep#LAYER_TENSORS} addresses per layer (0 for an absent bias or norm), {@code model} the
     * embedding, final norm and output head, {@code sizes} the model's sizes; {@code cos} and {@code sin} are the
     * rotary tables at {@code position}; {@code logits} receives vocabulary-many float32s.
     *
     * @return 0, or -1 when memory ran out (nothing written)
     */
    static native int halfDecodeStep(long[] layers, long[] model, int[] sizes, int token, int position, float[] cos,
            float[] sin, float eps, float scaling, ByteBuffer logits);

    /** The address of a direct buffer's memory, or 0. */
    static native long address(ByteBuffer buffer);

    private static native int level();

    /** Finds libtorch's OpenMP runtime among the loaded libraries: its file name, or null. */
    private static native String openmp();

    record State(int level, String description) {}

    private static State loadAndLog() {
        State state = load(System.getenv(SWITCH));
        LOG.info("float16 one-row products: {}", state.description());
        return state;
    }

    static State load(String setting) {
        String choice = setting == null ? "aha" : setting.trim().toLowerCase(Locale.ROOT);
        if (choice.equals("libtorch")) {
            return new State(0, "libtorch (" + SWITCH + "=libtorch)");
        }
        if (!choice.equals("aha") && !choice.isEmpty()) {
            throw new IllegalArgumentException(SWITCH + " must be aha or libtorch, was '" + setting + "'");
        }
        ComputeThreads.engine(); // libtorch and its OpenMP runtime first: the library looks for them
        if (!System.getProperty("os.name", "").equals("Linux") || !System.getProperty("os.arch", "").equals("amd64")) {
            return new State(0, "libtorch (Aha's kernels are built for linux-x86_64 only)");
        }
        try (InputStream in = NativeKernels.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                LOG.warn("libaha_kernels.so is not in the runtime jar (no C compiler when it was built): libtorch "
                        + "computes the float16 products of one-sequence decoding, at a fraction of the bandwidth");
                return new State(0, "libtorch (libaha_kernels.so not built)");
            }
            Path copy = Files.createTempFile("libaha_kernels", ".so");
            try {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                System.load(copy.toAbsolutePath().toString());
            } finally {
                Files.deleteIfExists(copy); // the loaded library stays mapped
            }
        } catch (IOException | UnsatisfiedLinkError e) {
            LOG.warn("cannot load libaha_kernels.so ({}): libtorch computes every product", e.toString());
            return new State(0, "libtorch (libaha_kernels.so failed to load: " + e.getMessage() + ")");
        }
        int level = level();
        if (level == 0) {
            return new State(0, "libtorch (this CPU has no AVX-512, which Aha's loop is written for)");
        }
        String openmp = openmp();
        if (openmp == null) {
            LOG.warn("libtorch's OpenMP runtime is not among the loaded libraries: Aha's float16 product runs on the "
                    + "calling thread alone");
        }
        return new State(level, "aha f16 gemv (AVX-512) on "
                + (openmp == null ? "the calling thread alone" : "libtorch's OpenMP threads (" + openmp + ")"));
    }
}
