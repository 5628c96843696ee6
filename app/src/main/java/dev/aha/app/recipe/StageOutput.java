package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * What a finished stage wrote and its own figures: the {@code outputs} of its stage.json and of pipeline.json. Paths
 * are relative to the pipeline's folder.
 */
public sealed interface StageOutput permits SftOutput, GrpoOutput, SampleOutput, RejectOutput, RejectionSamplingOutput,
        DistillOutput, RmTrainOutput {

    /** One line for the pipeline's table. */
    String note();

    ObjectNode toJson();

    /** A stage that wrote scored samples: a reject stage's {@code samples-from} may name it. */
    interface WritesSamples {
        Path samples();
    }

    /** A stage that wrote SFT data: an sft stage's {@code data-from} may name it. */
    interface WritesSftData {
        Path sftData();
    }

    /** A stage that wrote a reward model: a grpo stage's {@code reward-model-from} may name it. */
    interface WritesRewardModel {
        Path rewardModel();
    }

    /** The outputs {@link #toJson} wrote for a stage of {@code kind}. */
    static StageOutput read(StageKind kind, JsonNode o) {
        return switch (kind) {
            case SFT -> SftOutput.read(o);
            case GRPO -> GrpoOutput.read(o);
            case SAMPLE -> SampleOutput.read(o);
            case REJECT -> RejectOutput.read(o);
            case REJECTION_SAMPLING -> RejectionSamplingOutput.read(o);
            case DISTILL -> DistillOutput.read(o);
            case RM_TRAIN -> RmTrainOutput.read(o);
        };
    }

    /** The samples file of a stage that wrote one (the recipe's check allows no other). */
    static Path samplesOf(StageOutput o) {
        if (o instanceof WritesSamples w) {
            return w.samples();
        }
        throw new IllegalStateException("a " + o.getClass().getSimpleName() + " holds no samples");
    }

    /** The reward model of a stage that wrote one (the recipe's check allows no other). */
    static Path rewardModelOf(StageOutput o) {
        if (o instanceof WritesRewardModel w) {
            return w.rewardModel();
        }
        throw new IllegalStateException("a " + o.getClass().getSimpleName() + " holds no reward model");
    }

    /** The SFT data of a stage that wrote some (the recipe's check allows no other). */
    static Path sftDataOf(StageOutput o) {
        if (o instanceof WritesSftData w) {
            return w.sftData();
        }
        throw new IllegalStateException("a " + o.getClass().getSimpleName() + " holds no SFT data");
    }
}
