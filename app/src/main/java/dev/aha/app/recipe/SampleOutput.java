package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.rejection.PromptSelection;
import java.nio.file.Path;

/**
 * A sample stage's outputs.
 *
 * @param samples the scored samples (aha sample's format)
 * @param k completions per prompt
 * @param split which prompts were sampled
 * @param seed the sampling's seed
 * @param sampled what the sampling found
 */
public record SampleOutput(Path samples, int k, PromptSelection.Split split, long seed, Sampling.Totals sampled)
        implements StageOutput, StageOutput.WritesSamples {

    @Override
    public String note() {
        return String.format("%,d prompts x %d, pass@1 %.3f", sampled.prompts(), k, sampled.pass1());
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = MetricsLog.JSON.createObjectNode().put("samples", samples.toString()).put("k", k)
                .put("split", split.label()).put("seed", seed);
        o.set("sampled", sampled.toJson());
        return o.put("note", note());
    }

    static SampleOutput read(JsonNode o) {
        return new SampleOutput(Path.of(o.path("samples").asText()), o.path("k").asInt(),
                PromptSelection.Split.parse(o.path("split").asText()), o.path("seed").asLong(),
                Sampling.Totals.read(o.path("sampled")));
    }
}
