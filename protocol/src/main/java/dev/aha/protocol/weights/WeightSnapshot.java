package dev.aha.protocol.weights;

/**
 * One version of the policy's weights as a subscriber received it, verified.
 *
 * @param version the learner's policy version
 * @param weights the float32 image, read-only, whatever dtype crossed the wire
 * @param crc32c the CRC32C of the bytes that crossed the wire (the bfloat16 image when {@code wireDtype} is BF16),
 *     which matched the publisher's
 * @param wireDtype how the image crossed the wire
 */
public record WeightSnapshot(long version, FlatWeights weights, int crc32c, WireDtype wireDtype) {

    public WeightSnapshot {
        if (version < 0 || weights == null || wireDtype == null) {
            throw new IllegalArgumentException("a snapshot needs a version >= 0, weights and a wire dtype, had "
                    + version + ", " + weights + ", " + wireDtype);
        }
        if (!weights.isReadOnly()) {
            throw new IllegalArgumentException("a snapshot's weights are shared: pass them asReadOnly()");
        }
    }
}
