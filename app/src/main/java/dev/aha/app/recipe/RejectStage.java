package dev.aha.app.recipe;

import dev.aha.actors.config.RunConfig;
import dev.aha.runtime.rejection.RejectionFilter;
import dev.aha.runtime.rejection.RejectionSettings;
import dev.aha.runtime.rejection.RejectionStats;
import dev.aha.runtime.task.BadLinePolicy;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * A reject stage: keeps the correct, readable samples of a stage before it as SFT data, by the stage's aha.reject
 * rules ({@code aha reject}). The checkpoint passes on.
 */
final class RejectStage implements StageRunner<RejectOutput> {

    static final String KEPT = "kept.jsonl";

    private final StageContext context;
    private final PrintStream log;

    RejectStage(StageContext context, PrintStream log) {
        this.context = context;
        this.log = log;
    }

    @Override
    public StageResult<RejectOutput> run(Stage s, Path dir, StageInput in) {
        return new StageResult<>(reject(s, in.samples(), dir), in.checkpoint(), null);
    }

    RejectOutput reject(Stage s, Path samples, Path dir) {
        RunConfig c = context.load(s);
        RejectionSettings rules = c.reject();
        Path kept = dir.resolve(KEPT);
        RejectionStats stats = new RejectionFilter(rules).run(samples, kept, BadLinePolicy.STOP);
        Path out = context.out();
        log.printf("aha pipeline: %s: %s -> %s%n", s.name(), out.relativize(samples), out.relativize(kept));
        stats.print(log);
        return new RejectOutput(context.relative(kept), context.relative(RejectionFilter.statsFile(kept)),
                new Rejection(stats, rules));
    }
}
