package dev.aha.actors.pipeline;

import dev.aha.actors.weights.WeightPlane;
import dev.aha.runtime.backend.PlaneImage;
import dev.aha.runtime.backend.PolicyTrainer;

/**
 * What the learner puts on the weight plane for each version: every weight, or under LoRA the frozen base the first
 * time and then the adapters alone (the plane resends the base to nodes that join later). A base shared in this JVM
 * ({@code aha.lora.rollout-apply = shared}) is never published.
 */
final class Publications {

    private final PolicyTrainer trainer;
    private final WeightPlane plane;
    private boolean basePublished;

    /**
     * @param baseShared the rollouts decode over the learner's own base in this JVM: only adapters go on the plane
     */
    Publications(PolicyTrainer trainer, WeightPlane plane, boolean baseShared) {
        this.trainer = trainer;
        this.plane = plane;
        this.basePublished = baseShared;
    }

    void publish(long version) {
        if (!basePublished) {
            PlaneImage base = trainer.exportBase();
            if (base != null) {
                plane.publish(version, base.weights(), base.label());
            }
            basePublished = true;
        }
        PlaneImage now = trainer.exportVersion();
        plane.publish(version, now.weights(), now.label());
    }
}
