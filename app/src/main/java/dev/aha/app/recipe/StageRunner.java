package dev.aha.app.recipe;

import java.nio.file.Path;

/** Runs the stages of one kind: the work in the stage's folder, from what the stages before it made. */
interface StageRunner<O extends StageOutput> {

    /**
     * @param dir the stage's folder; what a killed run left there is continued or deleted, as the kind allows
     */
    StageResult<O> run(Stage s, Path dir, StageInput in);
}
