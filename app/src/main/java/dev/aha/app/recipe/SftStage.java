package dev.aha.app.recipe;

import dev.aha.actors.config.RunConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An sft stage: fine-tunes its input checkpoint on a file, on the data a stage before it kept, or on the task's worked
 * solutions (the cold start). An interrupted one starts again.
 */
final class SftStage implements StageRunner<SftOutput> {

    private final StageContext context;

    SftStage(StageContext context) {
        this.context = context;
    }

    @Override
    public StageResult<SftOutput> run(Stage s, Path dir, StageInput in) {
        StageFiles.deleteTree(dir); // SFT starts again: never a killed run's checkpoint beside this one's
        RunConfig c = context.forCheckpoint(s, in.checkpoint());
        SftData data;
        if (s.data() != null) {
            data = SftData.file(s.data(), c.train().seed(), c.template());
        } else if (in.sftData() != null) {
            Path file = in.sftData();
            if (Files.isRegularFile(file) && fileIsEmpty(file)) {
                throw new IllegalArgumentException(s.where() + ": " + s.dataFrom() + " kept no SFT data (" + file
                        + " is empty): nothing to fine-tune on");
            }
            data = SftData.file(file, c.train().seed(), c.template());
        } else {
            data = SftData.workedSolutions(context.task(c), c);
        }
        int steps = steps(s, c);
        SftRun.Result r = SftRun.run(c, in.checkpoint(), data, steps, timeLimit(s), dir.resolve("checkpoints"),
                s.folder() + " sft");
        SftOutput output = new SftOutput(
                data.size() > 0 ? context.relativeOrAbsolute(Path.of(data.source())) : data.source(),
                data.size() > 0 ? data.size() : null, r.figures());
        return new StageResult<>(output, r.checkpoint(), null);
    }

    /** An sft or distill stage's steps: as given; without, as many as its minutes allow, or the cold start's. */
    static int steps(Stage s, RunConfig c) {
        if (s.steps() != null) {
            return s.steps();
        }
        return s.minutes() != null ? Integer.MAX_VALUE : c.train().coldStartSteps();
    }

    /** An sft or distill stage's time limit: its minutes, or null for none. */
    static Duration timeLimit(Stage s) {
        return s.minutes() == null ? null : Duration.ofMillis(Math.round(s.minutes() * 60_000));
    }

    private static boolean fileIsEmpty(Path file) {
        try {
            return Files.size(file) == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
