package dev.aha.app.recipe;

import com.typesafe.config.Config;
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
 * What every stage of one pipeline reads besides its own block: the recipe, the pipeline's folder, and the keys the
 * recipe sets over every stage's settings (the task and the evaluation's size).
 */
final class StageContext {

    private final Recipe recipe;
    private final Path out;
    private final Map<String, Object> forced = new HashMap<>();

    StageContext(Recipe recipe, Path out) {
        this.recipe = recipe;
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

    /** The evaluation's settings for a checkpoint: the recipe's, never a stage's, so stages compare. */
    RunConfig evalConfig(Path checkpoint) {
        return Configs.forCheckpoint(recipe.shared(), forced, checkpoint);
    }

    /** The task that {@code c} names, on the recipe's files. */
    Task task(RunConfig c) {
        return TaskFactory.create(c.train().task(), c, recipe.trainFile(), recipe.evalFile());
    }

    /** A distill stage's student, over the stage's settings. */
    RunConfig student(Stage s, RunConfig teacher) {
        return s.studentPath() != null ? Distillation.student(s.studentPath(), stageUser(s), forced, teacher)
                : Distillation.student(s.studentConfig(), stageUser(s), forced, teacher);
    }

    /** A short hash of the stage's settings ({@link Recipe#fingerprintOf}): a finished stage records it. */
    String fingerprint(Stage s) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(recipe.fingerprintOf(s)
                    .getBytes(StandardCharsets.UTF_8));
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
