package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.task.Task;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@code aha pipeline}: the stages of a {@link Recipe} in order, each in its own folder {@code OUT/NN-name/}, each
 * starting from the checkpoint of the stage before it (or the one its {@code from} names), each followed by the
 * held-out evaluation of the checkpoint current after it.
 *
 * <p>Resumable: a stage's {@code stage.json} ({@link StageRecord}) is written last, atomically; a re-run of the same
 * recipe into the same folder skips the stages that have one (unless a stage it reads from was made again) and
 * continues the first that has none where its kind allows: a grpo stage from its run's latest checkpoint for the
 * minutes it has left, a sample stage from its resumable sample file; an sft stage starts again. A finished stage
 * whose settings the recipe has since changed is refused at start-up, naming its folder.
 *
 * <p>Each kind of stage has its runner ({@link StageRunner}), which returns what the stage made as a typed
 * {@link StageOutput}; the stages after it read their inputs from those.
 *
 * <pre>
 *   OUT/recipe.conf      the recipe this folder was last run with
 *   OUT/NN-name/         one stage: its files, and stage.json once it finished
 *   OUT/pipeline.json    every stage's figures and outputs (rewritten after each stage)
 *   OUT/pipeline.png     held-out pass@1, cons@k, format rate and completion length after each stage
 * </pre>
 */
public final class StagedPipeline {

    public static final String SUMMARY = "pipeline.json";
    public static final String CHART = "pipeline.png";
    public static final String RECIPE_COPY = "recipe.conf";

    private final Recipe recipe;
    private final Path out;
    private final PrintStream console;
    private final PrintStream log = System.err;
    private final StageContext context;
    private final Task evalTask;
    private final Map<String, StageRecord> done = new HashMap<>();

    /** The same without --set. */
    public StagedPipeline(Recipe recipe, Path out, PrintStream console) {
        this(recipe, ConfigFactory.empty(), out, console);
    }

    /**
     * Checks the whole recipe against the folder before anything runs ({@link RecipeCheck}).
     *
     * @param overrides the command line's --set, over every stage's settings (a finished stage made without them is
     *     refused, as one whose settings the recipe has since changed)
     * @param console where the final table goes (progress goes to stderr)
     */
    public StagedPipeline(Recipe recipe, Config overrides, Path out, PrintStream console) {
        this.recipe = recipe;
        this.out = out;
        this.console = console;
        this.context = new StageContext(recipe, overrides, out);
        this.evalTask = new RecipeCheck(context).run();
    }

    /** Runs the stages not finished yet; returns pipeline.json's content. */
    public ObjectNode run() {
        try {
            Files.createDirectories(out);
            Files.copy(recipe.file(), out.resolve(RECIPE_COPY), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write into " + out + ": " + e.getMessage(), e);
        }
        int n = recipe.stages().size();
        log.printf("aha pipeline: %d stages of %s into %s%n", n, recipe.file(), out);
        PipelineReport report = new PipelineReport(recipe, out, console);
        for (Stage s : recipe.stages()) {
            Path dir = out.resolve(s.folder());
            Map<String, String> inputs = inputsOf(s);
            StageRecord existing = StageRecord.read(dir);
            String head = String.format("aha pipeline: [%d/%d] %s (%s", s.index() + 1, n, s.name(), s.kind().label())
                    + (s.kind().readsCheckpoint() ? " from " + s.from() : "") + ")";
            if (existing != null && existing.inputs().equals(inputs)) {
                log.println(head + ": finished before, skipped" + StageText.figuresLine(existing.figures()));
                done.put(s.name(), existing);
                report.add(s, existing, false);
                continue;
            }
            if (existing != null) {
                log.println(head + ": a stage it reads from was made again since it finished: running it again");
                StageFiles.deleteTree(dir);
            }
            log.println(head + ": " + StageText.plan(s) + " -> " + dir);
            StageRecord r = runStage(s, dir, inputs);
            r.write(dir);
            done.put(s.name(), r);
            report.add(s, r, true);
            log.printf("aha pipeline: [%d/%d] %s done in %s%s%n", s.index() + 1, n, s.name(),
                    StageText.duration(r.seconds()), StageText.figuresLine(r.figures()));
            report.writeSummary();
        }
        report.writeChart();
        ObjectNode summary = report.writeSummary();
        report.printTable();
        return summary;
    }

    /** The stages it reads from, each with the id of the run that finished it. */
    private Map<String, String> inputsOf(Stage s) {
        Map<String, String> inputs = new LinkedHashMap<>();
        for (String name : new String[] {s.from(), s.dataFrom(), s.samplesFrom(), s.rewardModelFrom()}) {
            if (name != null && !name.equals(Recipe.INITIAL)) {
                inputs.put(name, done.get(name).id());
            }
        }
        return inputs;
    }

    /** What the stage starts from, out of the outputs of the stages it names. */
    private StageInput input(Stage s) {
        Path checkpoint = null;
        EvalResult figures = null;
        if (!s.from().equals(Recipe.INITIAL)) {
            StageRecord from = done.get(s.from());
            checkpoint = from.checkpoint() == null ? null : out.resolve(from.checkpoint());
            figures = from.figures();
        }
        Path samples = s.samplesFrom() == null ? null
                : out.resolve(StageOutput.samplesOf(done.get(s.samplesFrom()).outputs()));
        Path sftData = s.dataFrom() == null ? null
                : out.resolve(StageOutput.sftDataOf(done.get(s.dataFrom()).outputs()));
        Path rewardModel = s.rewardModelFrom() == null ? null
                : out.resolve(StageOutput.rewardModelOf(done.get(s.rewardModelFrom()).outputs()));
        return new StageInput(checkpoint, figures, samples, sftData, rewardModel);
    }

    private StageRunner<?> runner(StageKind kind) {
        return switch (kind) {
            case SFT -> new SftStage(context);
            case GRPO -> new GrpoStage(context, log);
            case SAMPLE -> new SampleStage(context);
            case REJECT -> new RejectStage(context, log);
            case REJECTION_SAMPLING -> new RejectionSamplingStage(new SampleStage(context),
                    new RejectStage(context, log));
            case DISTILL -> new DistillStage(context);
            case RM_TRAIN -> new RmTrainStage(context, log);
        };
    }

    private StageRecord runStage(Stage s, Path dir, Map<String, String> inputs) {
        long started = System.nanoTime();
        StageInput in = input(s);
        StageResult<?> result = runner(s.kind()).run(s, dir, in);
        Path checkpoint = result.checkpoint();
        EvalResult figures = result.figures();
        boolean evaluated = true;
        if (!s.kind().trains() && in.figures() != null) {
            figures = in.figures(); // the same checkpoint: its figures stand
            evaluated = false;
        } else if (figures == null) {
            figures = HeldOut.evaluate(context.evalConfig(checkpoint), checkpoint, evalTask, "eval " + s.folder());
        }
        return new StageRecord(s.index(), s.name(), s.kind().label(), UUID.randomUUID().toString(),
                context.fingerprint(s), inputs, checkpoint == null ? null : context.relative(checkpoint).toString(),
                evaluated, figures, result.output(), (System.nanoTime() - started) / 1e9, Instant.now().toString());
    }
}
