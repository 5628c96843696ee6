package dev.aha.actors.pipeline;

import dev.aha.actors.weights.WeightPlane;
import dev.aha.runtime.backend.PlaneImage;
import dev.aha.runtime.backend.PolicyTrainer;

/**
 * What the learner puts on the weight plane for each version: every weight, or under LoRA the frozen base the first
 * time and then the adapters alone (the plane resends the base to nodes that join later).
 */
final class Publications {

    private final PolicyTrainer trainer;
    private final WeightPlane plane;
    private boolean basePublished;

    Publications(PolicyTrainer trainer, WeightPlane plane) {
        this.trainer = trainer;
        this.plane = plane;
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
