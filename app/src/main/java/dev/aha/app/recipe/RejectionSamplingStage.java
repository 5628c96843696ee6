package dev.aha.app.recipe;

import java.nio.file.Path;

/** A rejection-sampling stage: a sample stage and a reject stage of its samples in one folder. */
final class RejectionSamplingStage implements StageRunner<RejectionSamplingOutput> {

    private final SampleStage sample;
    private final RejectStage reject;

    RejectionSamplingStage(SampleStage sample, RejectStage reject) {
        this.sample = sample;
        this.reject = reject;
    }

    @Override
    public StageResult<RejectionSamplingOutput> run(Stage s, Path dir, StageInput in) {
        SampleOutput sampled = sample.sample(s, dir, in);
        RejectOutput kept = reject.reject(s, dir.resolve(SampleStage.SAMPLES), dir);
        return new StageResult<>(new RejectionSamplingOutput(sampled, kept), in.checkpoint(), null);
    }
}
