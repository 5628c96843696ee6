package dev.aha.app.recipe;

import dev.aha.runtime.eval.EvalResult;
import java.nio.file.Path;

/**
 * What a stage's run made.
 *
 * @param output what it wrote and its own figures
 * @param checkpoint the checkpoint current after it (a stage that does not train passes its input's on)
 * @param figures held-out figures the stage measured itself in the pipeline's way (a grpo run's final evaluation),
 *     or null to have the pipeline measure them
 */
record StageResult<O extends StageOutput>(O output, Path checkpoint, EvalResult figures) {}
