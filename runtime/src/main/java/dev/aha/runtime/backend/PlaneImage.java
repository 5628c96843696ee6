package dev.aha.runtime.backend;

import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.SnapshotLabel;

/**
 * A float32 image for the weight plane and what it is: a whole policy, or under LoRA the base or a version's
 * adapters with what identifies them.
 */
public record PlaneImage(FlatWeights weights, SnapshotLabel label) {

    public PlaneImage {
        if (weights == null || label == null) {
            throw new IllegalArgumentException("an image for the plane needs weights and a label");
        }
    }
}
