package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/** A distill stage's outputs: its distillation's summary, paths relative to the pipeline's folder. */
public record DistillOutput(DistillSummary summary)
        implements StageOutput, StageOutput.WritesSamples, StageOutput.WritesSftData {

    @Override
    public String note() {
        return String.format("%,d-parameter student from %,d-parameter teacher; kept %,d samples",
                summary.student().parameters(), summary.teacher().parameters(),
                summary.rejection().stats().kept());
    }

    @Override
    public Path samples() {
        return summary.samples();
    }

    @Override
    public Path sftData() {
        return summary.sftData();
    }

    @Override
    public ObjectNode toJson() {
        return summary.toJson().put("note", note());
    }

    static DistillOutput read(JsonNode o) {
        return new DistillOutput(DistillSummary.read(o));
    }
}
