package dev.aha.protocol.weights;

/**
 * What goes on the wire for a float32 image: the image itself, or its bfloat16 narrowing in a half-size buffer
 * kept from version to version (the sender is its only user; resends of a version reuse it). Narrowing runs on
 * the sender, a piece at a time just ahead of the chunks that carry it, so it overlaps sending instead of
 * delaying the first chunk by a pass over the whole image (seconds at 6 GB).
 */
final class WireImage {
    private final WireDtype dtype;
    private FlatWeights source;
    private FlatWeights narrowed;
    private long narrowedUpTo;

    WireImage(WireDtype dtype) {
        this.dtype = dtype;
    }

    /** The wire image of a newly taken version (for bf16 not yet narrowed: see {@link #ready}). */
    FlatWeights of(FlatWeights image) {
        if (dtype == WireDtype.F32) {
            return image;
        }
        long bytes = dtype.wireBytes(image.size());
        if (narrowed == null || narrowed.size() != bytes || narrowed.segmentShift() != image.segmentShift()) {
            narrowed = null; // let the old one go before taking as much again
            narrowed = FlatWeights.allocate(bytes, image.segmentShift());
        }
        source = image;
        narrowedUpTo = 0;
        return narrowed;
    }

    /** Makes wire bytes up to {@code end} ready to send, in whole pieces of the smallest segment. */
    void ready(long end) {
        while (dtype == WireDtype.BF16 && narrowedUpTo < end) {
            long piece = Math.min(FlatWeights.MIN_SEGMENT_BYTES, narrowed.size() - narrowedUpTo);
            Bf16.narrow(source, narrowed, narrowedUpTo, piece);
            narrowedUpTo += piece;
        }
    }
}
