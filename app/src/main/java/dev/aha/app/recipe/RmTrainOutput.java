package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.metrics.MetricsLog;
import java.nio.file.Path;

/**
 * An rm-train stage's outputs.
 *
 * @param rewardModel the trained reward model's directory
 * @param pairs the preference pairs it trained on (generated into the stage's folder, or the recipe's file)
 * @param source what the pairs are: task, general, or a file
 * @param trainPairs pairs trained on
 * @param heldOutPairs pairs held out
 * @param accuracyBefore held-out pair accuracy of the fresh head
 * @param accuracy held-out pair accuracy after training
 * @param steps optimiser steps taken
 * @param seconds training time, evaluations included
 */
public record RmTrainOutput(Path rewardModel, String pairs, String source, int trainPairs, int heldOutPairs,
        double accuracyBefore, double accuracy, int steps, double seconds)
        implements StageOutput, StageOutput.WritesRewardModel {

    @Override
    public String note() {
        return String.format("reward model: %,d steps on %,d %s pairs, held-out pair accuracy %.3f -> %.3f "
                + "(%,d pairs); policy of the stage before", steps, trainPairs, source, accuracyBefore, accuracy,
                heldOutPairs);
    }

    @Override
    public ObjectNode toJson() {
        return MetricsLog.JSON.createObjectNode().put("reward_model", rewardModel.toString()).put("pairs", pairs)
                .put("source", source).put("train_pairs", trainPairs).put("held_out_pairs", heldOutPairs)
                .put("held_out_accuracy_before", accuracyBefore).put("held_out_accuracy", accuracy)
                .put("steps", steps).put("seconds", seconds).put("note", note());
    }

    static RmTrainOutput read(JsonNode o) {
        return new RmTrainOutput(Path.of(o.path("reward_model").asText()), o.path("pairs").asText(),
                o.path("source").asText(), o.path("train_pairs").asInt(), o.path("held_out_pairs").asInt(),
                o.path("held_out_accuracy_before").asDouble(), o.path("held_out_accuracy").asDouble(),
                o.path("steps").asInt(), o.path("seconds").asDouble());
    }
}
