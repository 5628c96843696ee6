package dev.aha.app.recipe;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.run.TaskFactory;
import dev.aha.runtime.task.Task;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * What every stage of one pipeline reads besides its own block: the recipe, the pipeline's folder, the command line's
 * --set, and the keys the recipe sets over every stage's settings (the task and the evaluation's size).
 */
final class StageContext {

    private final Recipe recipe;
    private final Path out;
    /** The command line's --set: over every stage's settings (and the student's). */
    private final Config overrides;
    private final Map<String, Object> forced = new HashMap<>();

    StageContext(Recipe recipe, Config overrides, Path out) {
        this.recipe = recipe;
        this.overrides = overrides;
        this.out = out;
        if (recipe.task() != null) {
            forced.put("aha.train.task", recipe.task());
        }
        if (recipe.evalPrompts() != null) {
            forced.put("aha.train.eval-prompts", recipe.evalPrompts());
        }
        if (recipe.evalK() != null) {
            forced.put("aha.train.eval-k", recipe.evalK());
        }
    }

    Recipe recipe() {
        return recipe;
    }

    /** The pipeline's folder. */
    Path out() {
        return out;
    }

    /** Set over every stage's settings (a copy: a stage may add its own). */
    Map<String, Object> forced() {
        return new HashMap<>(forced);
    }

    /** The stage's config block over the recipe's. */
    Config stageUser(Stage s) {
        return s.config().withFallback(recipe.shared());
    }

    /** The stage's settings, with the recipe's forced keys over them. */
    RunConfig load(Stage s) {
        return Configs.load(stageUser(s), overrides, forced);
    }

    /** The recipe's shared settings, as the start-up check reads them. */
    RunConfig loadShared() {
        return Configs.load(recipe.shared(), overrides, forced);
    }

    /** The stage's settings for a policy that starts from {@code checkpoint}, with {@code forced} over them. */
    RunConfig forCheckpoint(Stage s, Map<String, Object> forced, Path checkpoint) {
        return Configs.forCheckpoint(stageUser(s), overrides, forced, checkpoint);
    }

    /** The same with the recipe's forced keys. */
    RunConfig forCheckpoint(Stage s, Path checkpoint) {
        return forCheckpoint(s, forced, checkpoint);
    }

    /** The evaluation's settings for a checkpoint: the recipe's, never a stage's, so stages compare. */
    RunConfig evalConfig(Path checkpoint) {
        return Configs.forCheckpoint(recipe.shared(), overrides, forced, checkpoint);
    }

    /** The task that {@code c} names, on the recipe's files. */
    Task task(RunConfig c) {
        return TaskFactory.create(c.train().task(), c, recipe.trainFile(), recipe.evalFile());
    }

    /** A distill stage's student, over the stage's settings. */
    RunConfig student(Stage s, RunConfig teacher) {
        return s.studentPath() != null
                ? Distillation.student(s.studentPath(), stageUser(s), overrides, forced, teacher)
                : Distillation.student(s.studentConfig(), stageUser(s), overrides, forced, teacher);
    }

    /**
     * A short hash of the stage's settings ({@link Recipe#fingerprintOf}) and the command line's --set: a finished
     * stage records it, so one made without the same --set is refused as one whose settings the recipe changed.
     */
    String fingerprint(Stage s) {
        try {
            String settings = overrides.isEmpty() ? recipe.fingerprintOf(s) // as before --set existed
                    : recipe.fingerprintOf(s) + "\n--set " + overrides.root().render(ConfigRenderOptions.concise());
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(settings.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code p} relative to the pipeline's folder, as the records write paths. */
    Path relative(Path p) {
        return out.toAbsolutePath().normalize().relativize(p.toAbsolutePath().normalize());
    }

    /** Relative when inside the pipeline's folder, else absolute: a file the recipe names stays findable. */
    String relativeOrAbsolute(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(out.toAbsolutePath().normalize()) ? relative(abs).toString() : abs.toString();
    }
}
