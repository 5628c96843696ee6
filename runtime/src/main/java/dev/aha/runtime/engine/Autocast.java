package dev.aha.runtime.engine;

/**
 * Whether products against float32 weights run in bfloat16 on this thread, as PyTorch's autocast context does: a
 * thread-local switch, on for the learner's update and restored when the scope closes. See {@link TrainPrecision}.
 */
public final class Autocast implements AutoCloseable {

    private static final ThreadLocal<Boolean> BF16 = ThreadLocal.withInitial(() -> false);

    private final boolean previous;

    private Autocast(boolean previous) {
        this.previous = previous;
    }

    static Autocast enter(boolean bf16) {
        Autocast scope = new Autocast(BF16.get());
        BF16.set(bf16);
        return scope;
    }

    /** Whether this thread's products against float32 weights run in bfloat16 now. */
    public static boolean bf16() {
        return BF16.get();
    }

    @Override
    public void close() {
        BF16.set(previous);
    }
}
