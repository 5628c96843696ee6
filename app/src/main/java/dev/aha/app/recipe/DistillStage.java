package dev.aha.app.recipe;

import com.typesafe.config.ConfigRenderOptions;
import dev.aha.actors.config.RunConfig;
import dev.aha.runtime.rejection.PromptSelection;
import dev.aha.runtime.task.TaskPrompt;
import java.nio.file.Path;
import java.util.List;

/**
 * A distill stage: its input checkpoint as the teacher, sampled and filtered, and a student fine-tuned on what was
 * kept ({@link Distillation}). The student's checkpoint is the stage's; an interrupted one continues its sampling.
 */
final class DistillStage implements StageRunner<DistillOutput> {

    private final StageContext context;

    DistillStage(StageContext context) {
        this.context = context;
    }

    @Override
    public StageResult<DistillOutput> run(Stage s, Path dir, StageInput in) {
        RunConfig teacher = context.forCheckpoint(s, in.checkpoint());
        RunConfig student = context.student(s, teacher);
        int k = s.k() != null ? s.k() : teacher.train().groupSize();
        long seed = s.seed() != null ? s.seed() : teacher.train().seed();
        PromptSelection.Split split = s.split() != null ? s.split() : PromptSelection.Split.TRAIN;
        List<TaskPrompt> prompts = PromptSelection.select(context.task(teacher), split, s.prompts(), seed);
        int steps = SftStage.steps(s, student);
        String source = s.studentPath() != null ? s.studentPath().toString()
                : s.studentConfig().root().render(ConfigRenderOptions.concise());
        Distillation.Result r = Distillation.run(new Distillation.Plan(teacher, in.checkpoint(), student, source,
                prompts, k, seed, steps, SftStage.timeLimit(s)), dir, s.folder(), null);
        DistillSummary summary = r.report().withPaths(context.relative(dir.resolve(Distillation.SAMPLES)),
                context.relative(dir.resolve(Distillation.SFT_DATA)), context.relative(r.student().checkpoint()));
        return new StageResult<>(new DistillOutput(summary), r.student().checkpoint(), null);
    }
}
