package dev.aha.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.aha.app.recipe.Recipe;
import dev.aha.app.recipe.StagedPipeline;
import dev.aha.runtime.grpo.Algorithm;
import dev.aha.runtime.metrics.MetricsLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aha bench algorithms}: GRPO, GSPO, RLOO and REINFORCE++ on the demo's task from one cold start, each for the
 * same minutes of RL, compared by held-out pass@1 against time. The runs are stages of an {@code aha pipeline}
 * recipe written into the output folder (a killed bench continues where it stopped when run again):
 *
 * <ol>
 *   <li>the cold start (the demo's SFT), made once;</li>
 *   <li>the cold start labels the first training prompts of the runs' stream (k samples each; hard: none right),
 *       so each run's summary says what share of the prompts it trained on were hard;</li>
 *   <li>one grpo stage per algorithm from the cold start, and (unless --no-pace) GRPO again with
 *       aha.train.staleness = pace against the others' drop.</li>
 * </ol>
 */
@Command(name = "algorithms", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"GRPO, GSPO, RLOO, REINFORCE++: pass@1 against time.",
            "On the demo's task, from one cold start, each for the same minutes: held-out pass@1 against time, "
                + "the seconds each first reached --threshold (\"not reached\" where it never did), a chart "
                + "(algorithms.png) and one JSON object (algorithms.json). Run again with the same --out to continue."})
public final class AlgorithmsBench implements Callable<Integer> {

    @Option(names = "--minutes", paramLabel = "M", defaultValue = "5",
            description = "Minutes of RL per algorithm after the shared cold start (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--algorithms", split = ",", defaultValue = "grpo,gspo,rloo,reinforce-pp",
            description = "aha.grpo.algorithm values to run (default: ${DEFAULT-VALUE}).")
    List<String> algorithms;

    @Option(names = "--pace", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also run GRPO with aha.train.staleness = pace, against drop (default: on).")
    boolean pace;

    @Option(names = "--threshold", defaultValue = "0.8",
            description = "The pass@1 whose first seconds are compared (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--cold-start-steps", paramLabel = "N", defaultValue = "1000",
            description = "SFT steps of the shared cold start (default: the demo's ${DEFAULT-VALUE}).")
    int coldStartSteps;

    @Option(names = "--label-prompts", paramLabel = "N", defaultValue = "1000",
            description = "Training prompts the cold start labels, 4 samples each (default: ${DEFAULT-VALUE}).")
    int labelPrompts;

    @Option(names = "--eval-every", paramLabel = "STEPS", defaultValue = "50",
            description = "Learner steps between the evaluations that draw each curve (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--eval-prompts", paramLabel = "N", defaultValue = "200",
            description = "Held-out prompts of the evaluation after each stage (default: ${DEFAULT-VALUE}).")
    int evalPrompts;

    @Option(names = "--seed", defaultValue = "1", description = "aha.train.seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/bench/algorithms",
            description = "The bench's folder (default: ${DEFAULT-VALUE}).")
    Path out;

    static final int LABEL_K = 4;

    @Override
    public Integer call() throws IOException {
        if (!(minutes > 0) || coldStartSteps < 1 || labelPrompts < 1 || evalEvery < 1 || evalPrompts < 1
                || !(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("--minutes must be positive, --threshold in (0, 1], --cold-start-steps, "
                    + "--label-prompts, --eval-every and --eval-prompts at least 1");
        }
        algorithms.forEach(Algorithm::of); // an unknown name is refused before anything runs
        Files.createDirectories(out);
        Path pipeline = out.resolve("pipeline");
        ObjectNode cold = runRecipe("cold-start.conf", recipe(List.of()), pipeline);
        JsonNode coldStage = cold.path("stages").get(0);
        Path labelsFile = out.resolve("hard-prompts.jsonl").toAbsolutePath();
        HardPromptLabels.Labels labels = Files.isRegularFile(labelsFile)
                ? HardPromptLabels.read(labelsFile)
                : HardPromptLabels.write(ConfigFactory.parseString(settings()),
                        pipeline.resolve(coldStage.path("checkpoint").asText()), labelPrompts, LABEL_K, labelsFile);
        ObjectNode summary = runRecipe("algorithms.conf", recipe(runs(labelsFile)), pipeline);
        ObjectNode report = new AlgorithmsReport(pipeline, threshold, minutes).write(summary, coldStage, labels,
                out.resolve("algorithms.png"));
        String json = MetricsLog.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
        Files.writeString(out.resolve("algorithms.json"), json);
        System.out.println(json);
        return 0;
    }

    private ObjectNode runRecipe(String name, String text, Path pipeline) throws IOException {
        Path file = out.resolve(name);
        Files.writeString(file, text);
        return new StagedPipeline(Recipe.load(file), pipeline, System.err).run();
    }

    /** One grpo stage per algorithm (and GRPO with pace), each from the cold start, each with the labels. */
    List<String> runs(Path labels) {
        List<String> stages = new ArrayList<>();
        for (String a : algorithms) {
            stages.add(stage(Algorithm.of(a).configName(), a, "drop", labels));
        }
        if (pace) {
            stages.add(stage("grpo-pace", "grpo", "pace", labels));
        }
        return stages;
    }

    private String stage(String name, String algorithm, String staleness, Path labels) {
        return "  { name = " + name + ", kind = grpo, from = cold-start, minutes = " + minutes + ",\n"
                + "    config.aha.grpo.algorithm = " + algorithm + ", config.aha.train.staleness = " + staleness
                + ",\n    config.aha.train.hard-prompts = \"" + labels + "\" }";
    }

    /** The settings every stage shares: the demo's, with the seed and the curves' evaluations. */
    private String settings() {
        return "aha.train.seed = " + seed + "\naha.train.eval-every = " + evalEvery + "\n";
    }

    /** The recipe: the cold start, then {@code stages}. */
    String recipe(List<String> stages) {
        List<String> lines = new ArrayList<>(List.of(
                "# Written by aha bench algorithms (its options made these figures). Run it with",
                "#   deploy/bin/aha pipeline --recipe THIS_FILE --out DIR",
                "task = arithmetic",
                "config {",
                settings().strip().indent(2).stripTrailing(),
                "}",
                "eval { prompts = " + evalPrompts + ", k = 8 }",
                "stages = [",
                "  { name = cold-start, kind = sft, steps = " + coldStartSteps + " }"));
        lines.addAll(stages);
        lines.add("]");
        return String.join("\n", lines) + "\n";
    }
}
