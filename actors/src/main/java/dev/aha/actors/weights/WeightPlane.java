package dev.aha.actors.weights;

import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.WeightListener;

/**
 * How the learner's weights reach the rollouts: never as actor messages. The learner publishes each new version's
 * flat float32 image once; every node receives it into memory of its own and its listeners are told only when it is
 * complete and verified (see {@link WeightListener} for what they may do with it).
 */
public interface WeightPlane extends AutoCloseable {

    /**
     * Publishes {@code version} and returns without waiting for any subscriber. The plane owns {@code image} from
     * now on: the caller must not write to it again (the learner exports a new image per version).
     */
    void publish(long version, FlatWeights image);

    /**
     * Subscribes to every version published from now on; a subscriber that joins late receives the current one. The
     * listener may keep the snapshots it is given: they are read-only, shared by the node's listeners, and never
     * written again.
     *
     * @param byteLength the float32 image size this node preallocates for (every local subscriber must agree)
     */
    AutoCloseable subscribe(String name, long byteLength, WeightListener listener);

    @Override
    void close();
}
