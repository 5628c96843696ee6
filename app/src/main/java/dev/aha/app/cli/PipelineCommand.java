package dev.aha.app.cli;

import dev.aha.app.recipe.Recipe;
import dev.aha.app.recipe.Stage;
import dev.aha.app.recipe.StagedPipeline;
import dev.aha.bench.SetOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code aha pipeline}: R1's staged recipe, or any other, from a recipe file. */
@Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the stages of a recipe (R1's, or another) in order.",
            "The recipe is HOCON; its stages are sft, grpo, sample, reject, rejection-sampling and distill, each in "
                + "its own folder OUT/NN-name/, each starting from the previous stage's checkpoint (or the one its "
                + "from = names), each followed by a held-out evaluation. --set applies over every stage's config.",
            "At the end: a table of held-out pass@1, cons@k, format rate and completion length after every stage, "
                + "OUT/pipeline.json and OUT/pipeline.png.",
            "Run the same command again to continue: finished stages (their stage.json) are skipped, an interrupted "
                + "grpo or sample stage continues where it stopped, an interrupted sft stage starts again.",
            "The recipe is checked whole before anything runs: an unknown stage kind or key fails in one line naming "
                + "it. See deploy/recipes/r1-arithmetic.conf."})
public final class PipelineCommand implements Callable<Integer> {

    @Option(names = "--recipe", required = true, paramLabel = "FILE", description = "The recipe (HOCON).")
    Path recipe;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "The pipeline's folder; the same folder again continues it.")
    Path out;

    @Option(names = "--check", description = "Check the recipe (and what OUT holds) and print the stages; run none.")
    boolean check;

    @Mixin
    SetOptions set = new SetOptions();

    @Override
    public Integer call() {
        Recipe r = Recipe.load(recipe);
        StagedPipeline pipeline = new StagedPipeline(r, set.overrides(), out, System.out);
        if (check) {
            System.out.printf("%s: %d stages, checked%n", recipe, r.stages().size());
            int width = r.stages().stream().mapToInt(s -> s.folder().length()).max().orElse(0);
            for (Stage s : r.stages()) {
                System.out.printf("  %-" + width + "s  %s%s%n", s.folder(), s.kind().label(),
                        s.kind().readsCheckpoint() ? " from " + s.from() : "");
            }
            return 0;
        }
        pipeline.run();
        return 0;
    }
}
