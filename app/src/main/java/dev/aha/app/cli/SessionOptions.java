package dev.aha.app.cli;

import dev.aha.actors.run.RunFolder;
import dev.aha.actors.run.TrainingSession;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of the commands that run a training session (train, seed): its length, its folder, its start. */
final class SessionOptions {

    @Option(names = "--minutes", defaultValue = "10", description = "RL wall time (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder, refused if it holds a run (default: runs/train for aha train, runs/cluster "
                    + "for aha seed, or -2, -3, ... when taken; the --resume folder when resuming).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the run in DIR from its latest checkpoint (after a crash, or to train longer).")
    Path resume;

    @Option(names = "--init", paramLabel = "CHECKPOINT", description = "Cold-start checkpoint (from aha sft).")
    Path init;

    /**
     * The run's folder: --out (refused if it holds a run, unless resuming), else the --resume folder, else the first
     * free one of {@code fallback}, {@code fallback-2}, ...
     */
    Path folder(Path fallback) {
        if (resume == null && out != null) {
            RunFolder.requireFree(out);
        }
        return out != null ? out : resume != null ? resume : RunFolder.firstFree(fallback);
    }

    TrainingSession.Options options(Path folder, RunOptions run) {
        return new TrainingSession.Options(folder, minutes, resume, init, run.trainFile, run.evalFile);
    }
}
