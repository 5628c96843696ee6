package dev.aha.app.recipe;

import com.typesafe.config.ConfigException;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.run.RunFolder;
import dev.aha.runtime.task.JsonlTask;
import dev.aha.runtime.task.Task;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The whole recipe checked against the pipeline's folder before anything runs: every stage's settings (unknown aha
 * keys included), its student, and the stages already finished there. Each problem is one line naming the part of
 * the recipe it is in.
 */
final class RecipeCheck {

    private final StageContext context;

    RecipeCheck(StageContext context) {
        this.context = context;
    }

    /** Checks everything; returns the task the held-out evaluations draw from. */
    Task run() {
        Path out = context.out();
        if (RunFolder.holdsARun(out)) {
            throw new IllegalArgumentException(out + " holds an aha train run: give the pipeline a folder of its own");
        }
        Recipe recipe = context.recipe();
        RunConfig shared = checked("config", () -> context.loadShared());
        Task evalTask = checked("config", () -> context.task(shared));
        for (Stage s : recipe.stages()) {
            checked(s.where(), () -> check(s));
        }
        return evalTask;
    }

    private Void check(Stage s) {
        RunConfig c = context.load(s);
        if (c.simulated()) {
            throw new IllegalArgumentException("aha pipeline trains real policies: aha.backend must be torch");
        }
        Task task = context.task(c);
        boolean samples = s.kind() == StageKind.SAMPLE || s.kind() == StageKind.REJECTION_SAMPLING
                || s.kind() == StageKind.DISTILL;
        if (samples) {
            Sampling.requireSingleTurn(task.name());
        }
        if (samples && s.prompts() == null && !(task instanceof JsonlTask)) {
            throw new IllegalArgumentException("prompts = N is needed: the " + task.name() + " task's training "
                    + "prompts have no end");
        }
        if (s.kind() == StageKind.GRPO) {
            c.requireTrainable(true);
        }
        if (s.generalShare() != null && !task.name().equals("arithmetic")) {
            throw new IllegalArgumentException("general-share mixes general requests among arithmetic problems; the "
                    + "task here is " + task.name());
        }
        if (s.kind() == StageKind.RM_TRAIN && s.from().equals(Recipe.INITIAL)) {
            throw new IllegalArgumentException("a reward model starts from a trained checkpoint's decoder: give from = "
                    + "an earlier stage, not " + Recipe.INITIAL);
        }
        if (s.kind() == StageKind.DISTILL) {
            RunConfig student = context.student(s, c);
            Distillation.requireSharedTokenizer(c, student);
        }
        Path folder = context.out().resolve(s.folder());
        StageRecord existing = StageRecord.read(folder);
        if (existing != null && !existing.fingerprint().equals(context.fingerprint(s))) {
            throw new IllegalArgumentException(folder + " finished with other settings than the recipe now gives: "
                    + "delete that folder to run the stage again with these (and the stages after it follow), or give "
                    + "another --out");
        }
        return null;
    }

    /** Settings problems of one part of the recipe, in one line naming it. */
    private <T> T checked(String where, Supplier<T> check) {
        try {
            return check.get();
        } catch (ConfigException e) {
            throw new IllegalArgumentException("recipe " + context.recipe().file() + ": " + where + ": "
                    + e.getMessage().replaceAll("\\s*\\R\\s*", " "), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("recipe " + context.recipe().file() + ": " + where + ": "
                    + e.getMessage(), e);
        }
    }
}
