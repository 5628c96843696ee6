package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/** A rejection-sampling stage's outputs: its sampling's and its rejection's in one block, with a note of its own. */
public record RejectionSamplingOutput(SampleOutput sampling, RejectOutput rejection)
        implements StageOutput, StageOutput.WritesSamples, StageOutput.WritesSftData {

    @Override
    public String note() {
        return String.format("%,d prompts x %d sampled, pass@1 %.3f; kept %,d", sampling.sampled().prompts(),
                sampling.k(), sampling.sampled().pass1(), rejection.rejection().stats().kept());
    }

    @Override
    public Path samples() {
        return sampling.samples();
    }

    @Override
    public Path sftData() {
        return rejection.sftData();
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = sampling.toJson();
        o.setAll(rejection.toJson());
        return o.put("note", note());
    }

    static RejectionSamplingOutput read(JsonNode o) {
        return new RejectionSamplingOutput(SampleOutput.read(o), RejectOutput.read(o));
    }
}
