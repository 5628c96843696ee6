package dev.aha.actors.weights;

import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.SnapshotKind;
import dev.aha.protocol.weights.SnapshotLabel;
import dev.aha.protocol.weights.WeightListener;

/**
 * How the learner's weights reach the rollouts: never as actor messages. The learner publishes each new version's
 * flat float32 image once; every node receives it into memory of its own and its listeners are told only when it is
 * complete and verified (see {@link WeightListener} for what they may do with it). Under LoRA the learner publishes
 * the frozen base once and then each version's adapters alone, each labelled ({@link SnapshotLabel}); a LoRA
 * subscriber gets both, base first unless the adapters are quicker (its listener waits for the base).
 */
public interface WeightPlane extends AutoCloseable {

    /**
     * Publishes {@code version} of the whole policy and returns without waiting for any subscriber. The plane owns
     * {@code image} from now on: the caller must not write to it again (the learner exports a new image per version).
     */
    void publish(long version, FlatWeights image);

    /**
     * The same for an image {@code label} says what it is: a whole policy, a LoRA base, or a version's adapters,
     * which go on a stream of their own. Versions increase per kind.
     */
    default void publish(long version, FlatWeights image, SnapshotLabel label) {
        if (label.kind() != SnapshotKind.FULL) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " carries whole policies only");
        }
        publish(version, image);
    }

    /**
     * Subscribes to every version published from now on; a subscriber that joins late receives the current one. The
     * listener may keep the snapshots it is given: they are read-only, shared by the node's listeners, and never
     * written again.
     *
     * @param byteLength the float32 image size this node preallocates for (every local subscriber must agree)
     */
    AutoCloseable subscribe(String name, long byteLength, WeightListener listener);

    /**
     * The same for a replica that takes LoRA adapters when {@code adapterBytes > 0}: its listener gets the base
     * ({@code byteLength} bytes) and each version's adapters ({@code adapterBytes}), late joiners both; with 0, whole
     * policies as {@link #subscribe(String, long, WeightListener)}. A {@code byteLength} of 0 with adapters: the
     * adapters alone (a replica that decodes over the learner's own base in the same JVM).
     */
    default AutoCloseable subscribe(String name, long byteLength, long adapterBytes, WeightListener listener) {
        if (adapterBytes > 0) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " carries whole policies only");
        }
        return subscribe(name, byteLength, listener);
    }

    @Override
    void close();
}
