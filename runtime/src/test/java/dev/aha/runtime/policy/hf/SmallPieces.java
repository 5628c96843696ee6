package dev.aha.runtime.policy.hf;

/**
 * Lowers {@link TensorBytes}'s piece size until closed, so that tests send small tensors through the code that moves
 * tensors past 2 GiB a piece at a time: {@code try (SmallPieces p = SmallPieces.of(64)) { ... }}.
 */
public final class SmallPieces implements AutoCloseable {

    private final long previous;

    private SmallPieces(long bytes) {
        previous = TensorBytes.pieceBytes;
        TensorBytes.pieceBytes = bytes;
    }

    /** Pieces of at most {@code bytes} float32 bytes (but never less than one row). */
    public static SmallPieces of(long bytes) {
        return new SmallPieces(bytes);
    }

    @Override
    public void close() {
        TensorBytes.pieceBytes = previous;
    }
}
