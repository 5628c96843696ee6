package dev.aha.protocol.weights;

/**
 * Told when a complete snapshot has arrived and its CRC32C matched: once per version, versions strictly increasing,
 * on the weight plane's receiver thread (so return quickly: hand the snapshot to a thread of your own).
 *
 * <p>The snapshot's weights are read-only ({@link FlatWeights#asReadOnly()}): every listener told of a version gets
 * the same snapshot object, never a copy each. How long it stays valid is the one thing that depends on who calls:
 * <ul>
 *   <li>a {@link WeightSubscriber} (the raw receiving end) calls with its own receive buffer, which the next version
 *       overwrites: the snapshot is valid only until {@code onReady} returns. Import it, or {@link FlatWeights#copy()
 *       copy} what you keep, before returning.</li>
 *   <li>{@code AeronWeightPlane} (what actors subscribe to) copies each verified version once into memory of its
 *       own that nobody writes again, and hands that same read-only copy to every listener on its node: the snapshot
 *       stays valid for as long as a listener holds it. Holding it holds the whole image, so drop it once
 *       imported.</li>
 * </ul>
 */
@FunctionalInterface
public interface WeightListener {
    void onReady(WeightSnapshot snapshot);
}
