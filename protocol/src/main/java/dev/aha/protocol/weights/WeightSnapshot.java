package dev.aha.protocol.weights;

/**
 * One version of the policy's weights as a subscriber received it, verified.
 *
 * @param version the learner's policy version
 * @param weights the float32 image, read-only, whatever dtype crossed the wire
 * @param crc32c the CRC32C of the bytes that crossed the wire (the bfloat16 image when {@code wireDtype} is BF16),
 *     which matched the publisher's
 * @param wireDtype how the image crossed the wire
 * @param label what the image is: a whole policy, or under LoRA the base or a version's adapters, with what
 *     identifies them
 */
public record WeightSnapshot(long version, FlatWeights weights, int crc32c, WireDtype wireDtype, SnapshotLabel label) {

    public WeightSnapshot {
        if (version < 0 || weights == null || wireDtype == null || label == null) {
            throw new IllegalArgumentException("a snapshot needs a version >= 0, weights, a wire dtype and a label, "
                    + "had " + version + ", " + weights + ", " + wireDtype + ", " + label);
        }
        if (!weights.isReadOnly()) {
            throw new IllegalArgumentException("a snapshot's weights are shared: pass them asReadOnly()");
        }
    }

    /** A whole policy's snapshot. */
    public WeightSnapshot(long version, FlatWeights weights, int crc32c, WireDtype wireDtype) {
        this(version, weights, crc32c, wireDtype, SnapshotLabel.full());
    }

    public SnapshotKind kind() {
        return label.kind();
    }
}
