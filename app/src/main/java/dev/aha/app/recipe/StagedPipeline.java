package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.pipeline.RunState;
import dev.aha.actors.run.RunFolder;
import dev.aha.actors.run.TaskFactory;
import dev.aha.actors.run.TrainingSession;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.metrics.StageChart;
import dev.aha.runtime.rejection.PromptSelection;
import dev.aha.runtime.rejection.RejectionFilter;
import dev.aha.runtime.rejection.RejectionSettings;
import dev.aha.runtime.rejection.RejectionStats;
import dev.aha.runtime.task.BadLinePolicy;
import dev.aha.runtime.task.JsonlTask;
import dev.aha.runtime.task.Task;
import dev.aha.runtime.task.TaskPrompt;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    /** Set over every stage's settings: the task and the evaluation's size. */
    private final Map<String, Object> forced = new HashMap<>();
    private final Task evalTask;
    private final Map<String, StageRecord> done = new HashMap<>();

    /**
     * Checks the whole recipe against the folder before anything runs: every stage's settings (unknown aha keys
     * included), its student, and the stages already finished in {@code out}.
     *
     * @param console where the final table goes (progress goes to stderr)
     */
    public StagedPipeline(Recipe recipe, Path out, PrintStream console) {
        this.recipe = recipe;
        this.out = out;
        this.console = console;
        if (recipe.task() != null) {
            forced.put("aha.train.task", recipe.task());
        }
        if (recipe.evalPrompts() != null) {
            forced.put("aha.train.eval-prompts", recipe.evalPrompts());
        }
        if (recipe.evalK() != null) {
            forced.put("aha.train.eval-k", recipe.evalK());
        }
        if (RunFolder.holdsARun(out)) {
            throw new IllegalArgumentException(out + " holds an aha train run: give the pipeline a folder of its own");
        }
        RunConfig shared = checked("config", () -> Configs.load(recipe.shared(), forced));
        evalTask = checked("config", () -> TaskFactory.create(shared.train().task(), shared, recipe.trainFile(),
                recipe.evalFile()));
        for (Stage s : recipe.stages()) {
            checked(s.where(), () -> check(s));
        }
    }

    private Object check(Stage s) {
        RunConfig c = Configs.load(stageUser(s), forced);
        if (c.simulated()) {
            throw new IllegalArgumentException("aha pipeline trains real policies: aha.backend must be torch");
        }
        Task task = TaskFactory.create(c.train().task(), c, recipe.trainFile(), recipe.evalFile());
        boolean samples = s.kind() == StageKind.SAMPLE || s.kind() == StageKind.REJECTION_SAMPLING
                || s.kind() == StageKind.DISTILL;
        if (samples && s.prompts() == null && !(task instanceof JsonlTask)) {
            throw new IllegalArgumentException("prompts = N is needed: the " + task.name() + " task's training "
                    + "prompts have no end");
        }
        if (s.kind() == StageKind.GRPO) {
            c.requireTrainable(true);
        }
        if (s.kind() == StageKind.DISTILL) {
            RunConfig student = student(s, c);
            Distillation.requireSharedTokenizer(c, student);
        }
        StageRecord existing = StageRecord.read(out.resolve(s.folder()));
        if (existing != null && !existing.fingerprint().equals(fingerprint(s))) {
            throw new IllegalArgumentException(out.resolve(s.folder()) + " finished with other settings than the "
                    + "recipe now gives: delete that folder to run the stage again with these (and the stages after "
                    + "it follow), or give another --out");
        }
        return null;
    }

    private interface Check<T> {
        T get();
    }

    /** Settings problems of one part of the recipe, in one line naming it. */
    private <T> T checked(String where, Check<T> check) {
        try {
            return check.get();
        } catch (ConfigException e) {
            throw new IllegalArgumentException("recipe " + recipe.file() + ": " + where + ": "
                    + e.getMessage().replaceAll("\\s*\\R\\s*", " "), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("recipe " + recipe.file() + ": " + where + ": " + e.getMessage(), e);
        }
    }

    /** Runs the stages not finished yet; returns pipeline.json's content. */
    public ObjectNode run() {
        long started = System.nanoTime();
        try {
            Files.createDirectories(out);
            Files.copy(recipe.file(), out.resolve(RECIPE_COPY), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write into " + out + ": " + e.getMessage(), e);
        }
        int n = recipe.stages().size();
        log.printf("aha pipeline: %d stages of %s into %s%n", n, recipe.file(), out);
        List<Row> rows = new ArrayList<>();
        for (Stage s : recipe.stages()) {
            Path dir = out.resolve(s.folder());
            Map<String, String> inputs = inputsOf(s);
            StageRecord existing = StageRecord.read(dir);
            String head = String.format("aha pipeline: [%d/%d] %s (%s", s.index() + 1, n, s.name(), s.kind().label())
                    + (s.kind().readsCheckpoint() ? " from " + s.from() : "") + ")";
            if (existing != null && existing.inputs().equals(inputs)) {
                log.println(head + ": finished before, skipped" + figuresLine(existing.figures()));
                done.put(s.name(), existing);
                rows.add(new Row(s, existing, false));
                continue;
            }
            if (existing != null) {
                log.println(head + ": a stage it reads from was made again since it finished: running it again");
                StageFiles.deleteTree(dir);
            }
            log.println(head + ": " + plan(s) + " -> " + dir);
            StageRecord r = runStage(s, dir, inputs);
            r.write(dir);
            done.put(s.name(), r);
            rows.add(new Row(s, r, true));
            log.printf("aha pipeline: [%d/%d] %s done in %s%s%n", s.index() + 1, n, s.name(), duration(r.seconds()),
                    figuresLine(r.figures()));
            writeSummary(rows, started);
        }
        List<String> labels = new ArrayList<>();
        List<EvalResult> figures = new ArrayList<>();
        for (Row row : rows) {
            labels.add(row.stage().folder());
            figures.add(row.record().figures());
        }
        StageChart.write(out.resolve(CHART), "aha pipeline " + recipe.file().getFileName(), labels, figures);
        ObjectNode summary = writeSummary(rows, started);
        printTable(rows);
        return summary;
    }

    private record Row(Stage stage, StageRecord record, boolean ran) {}

    /** The checkpoint a stage starts from: null for the initial policy, with its figures if measured. */
    private record Input(Path checkpoint, EvalResult figures) {}

    private Input input(Stage s) {
        if (s.from().equals(Recipe.INITIAL)) {
            return new Input(null, null);
        }
        StageRecord from = done.get(s.from());
        return new Input(from.checkpoint() == null ? null : out.resolve(from.checkpoint()), from.figures());
    }

    private Map<String, String> inputsOf(Stage s) {
        Map<String, String> inputs = new LinkedHashMap<>();
        for (String name : new String[] {s.from(), s.dataFrom(), s.samplesFrom()}) {
            if (name != null && !name.equals(Recipe.INITIAL)) {
                inputs.put(name, done.get(name).id());
            }
        }
        return inputs;
    }

    private StageRecord runStage(Stage s, Path dir, Map<String, String> inputs) {
        long started = System.nanoTime();
        Input in = input(s);
        ObjectNode outputs = MetricsLog.JSON.createObjectNode();
        Path checkpoint = in.checkpoint();
        EvalResult figures = null;
        switch (s.kind()) {
            case SFT -> checkpoint = sft(s, dir, in, outputs);
            case GRPO -> {
                TrainingResult r = grpo(s, dir, in, outputs);
                checkpoint = r.checkpoint();
                figures = r.figures();
            }
            case SAMPLE -> sample(s, dir, in, outputs, "samples.jsonl");
            case REJECT -> reject(s, out.resolve(done.get(s.samplesFrom()).outputs().path("samples").asText()), dir,
                    outputs);
            case REJECTION_SAMPLING -> {
                Path samples = sample(s, dir, in, outputs, "samples.jsonl");
                reject(s, samples, dir, outputs);
                outputs.put("note", String.format("%,d prompts x %d sampled, pass@1 %.3f; kept %,d",
                        outputs.path("sampled").path("prompts").asInt(), outputs.path("k").asInt(),
                        outputs.path("sampled").path("pass1").asDouble(), outputs.path("rejection").path("kept")
                                .asLong()));
            }
            case DISTILL -> checkpoint = distill(s, dir, in, outputs);
            default -> throw new IllegalStateException("no stage of kind " + s.kind());
        }
        boolean evaluated = true;
        if (!s.kind().trains() && in.figures() != null) {
            figures = in.figures(); // the same checkpoint: its figures stand
            evaluated = false;
        } else if (figures == null) {
            figures = HeldOut.evaluate(evalConfig(checkpoint), checkpoint, evalTask, "eval " + s.folder());
        }
        return new StageRecord(s.index(), s.name(), s.kind().label(), UUID.randomUUID().toString(), fingerprint(s),
                inputs, checkpoint == null ? null : relative(checkpoint), evaluated, figures, outputs,
                (System.nanoTime() - started) / 1e9, Instant.now().toString());
    }

    private Path sft(Stage s, Path dir, Input in, ObjectNode outputs) {
        StageFiles.deleteTree(dir); // SFT starts again: never a killed run's checkpoint beside this one's
        RunConfig c = Configs.forCheckpoint(stageUser(s), forced, in.checkpoint());
        SftData data;
        if (s.data() != null) {
            data = SftData.file(s.data(), c.train().seed());
        } else if (s.dataFrom() != null) {
            Path file = out.resolve(done.get(s.dataFrom()).outputs().path("sft_data").asText());
            if (Files.isRegularFile(file) && fileIsEmpty(file)) {
                throw new IllegalArgumentException(s.where() + ": " + s.dataFrom() + " kept no SFT data (" + file
                        + " is empty): nothing to fine-tune on");
            }
            data = SftData.file(file, c.train().seed());
        } else {
            data = SftData.workedSolutions(task(c), c);
        }
        int steps = sftSteps(s, c);
        SftRun.Result r = SftRun.run(c, in.checkpoint(), data, steps, timeLimit(s), dir.resolve("checkpoints"),
                s.folder() + " sft");
        outputs.put("data", data.size() > 0 ? relativeOrAbsolute(Path.of(data.source())) : data.source());
        if (data.size() > 0) {
            outputs.put("examples", data.size());
        }
        outputs.setAll(r.toJson());
        outputs.put("note", String.format("%,d steps on %s, loss %.3f", r.steps(),
                data.size() > 0 ? String.format("%,d examples", data.size()) : "worked solutions", r.loss()));
        return r.checkpoint();
    }

    private record TrainingResult(Path checkpoint, EvalResult figures) {}

    private TrainingResult grpo(Stage s, Path dir, Input in, ObjectNode outputs) {
        Path init = in.checkpoint();
        Map<String, Object> f = new HashMap<>(forced);
        if (init == null) {
            f.put("aha.train.cold-start.steps", 0); // from the initial policy: R1-Zero, no SFT first
        }
        RunConfig c = Configs.forCheckpoint(stageUser(s), f, init);
        Optional<Path> latest = new CheckpointStore(dir.resolve("checkpoints"), 1).latest();
        boolean resume = latest.isPresent() && new CheckpointStore(dir.resolve("cold-start"), 1).latest().isPresent();
        double minutes = s.minutes();
        if (resume) {
            double spent = rlSeconds(latest.get()) / 60;
            minutes = Math.max(s.minutes() - spent, 0.05);
            log.printf("aha pipeline: %s: continuing the interrupted run from %s (%.1f of %.1f minutes of RL left)%n",
                    s.name(), out.relativize(latest.get()), minutes, s.minutes());
        } else {
            StageFiles.deleteTree(dir); // killed before its first checkpoint: nothing to continue
        }
        boolean sameEvaluation = Configs.evalSignature(c).equals(Configs.evalSignature(evalConfig(init)));
        EvalResult known = !resume && init != null && sameEvaluation ? in.figures() : null;
        TrainingSession session = new TrainingSession(c, new TrainingSession.Options(dir, minutes,
                resume ? dir : null, resume ? null : init, recipe.trainFile(), recipe.evalFile(), known));
        ObjectNode summary = session.run();
        Path checkpoint = new CheckpointStore(dir.resolve("checkpoints"), 1).latest().orElseThrow(
                () -> new IllegalStateException(s.where() + ": the run left no checkpoint in " + dir));
        for (String key : new String[] {"steps", "initial_pass1", "final_pass1", "wall_seconds", "groups_per_second",
            "prompts_used"}) {
            if (summary.has(key)) {
                outputs.set(key, summary.get(key));
            }
        }
        outputs.put("minutes", s.minutes());
        outputs.put("summary", relative(dir.resolve("summary.json")));
        outputs.put("charts", relative(dir.resolve("charts")));
        outputs.put("note", String.format("%,d learner steps in %s min of RL%s", summary.path("steps").asLong(),
                minutesText(s.minutes()), resume ? " (continued after an interruption)" : ""));
        return new TrainingResult(checkpoint, sameEvaluation ? session.finished().finalEval() : null);
    }

    private Path sample(Stage s, Path dir, Input in, ObjectNode outputs, String file) {
        RunConfig c = Configs.forCheckpoint(stageUser(s), forced, in.checkpoint());
        int k = s.k() != null ? s.k() : c.train().groupSize();
        long seed = s.seed() != null ? s.seed() : c.train().seed();
        PromptSelection.Split split = s.split() != null ? s.split() : PromptSelection.Split.TRAIN;
        List<TaskPrompt> prompts = PromptSelection.select(task(c), split, s.prompts(), seed);
        Path samples = dir.resolve(file);
        Sampling.Totals t = Sampling.run(c, in.checkpoint(), prompts, k, seed, samples, s.folder() + " sample");
        outputs.put("samples", relative(samples));
        outputs.put("k", k);
        outputs.put("split", split.label());
        outputs.put("seed", seed);
        outputs.set("sampled", t.toJson());
        outputs.put("note", String.format("%,d prompts x %d, pass@1 %.3f", prompts.size(), k, t.pass1()));
        return samples;
    }

    private void reject(Stage s, Path samples, Path dir, ObjectNode outputs) {
        RunConfig c = Configs.load(stageUser(s), forced);
        RejectionSettings rules = c.reject();
        Path kept = dir.resolve("kept.jsonl");
        RejectionStats stats = new RejectionFilter(rules).run(samples, kept, BadLinePolicy.STOP);
        log.printf("aha pipeline: %s: %s -> %s%n", s.name(), out.relativize(samples), out.relativize(kept));
        stats.print(log);
        outputs.put("sft_data", relative(kept));
        outputs.put("stats", relative(RejectionFilter.statsFile(kept)));
        outputs.set("rejection", stats.toJson(rules));
        outputs.put("note", String.format("kept %,d of %,d samples", stats.kept(), stats.linesRead()));
    }

    private Path distill(Stage s, Path dir, Input in, ObjectNode outputs) {
        RunConfig teacher = Configs.forCheckpoint(stageUser(s), forced, in.checkpoint());
        RunConfig student = student(s, teacher);
        int k = s.k() != null ? s.k() : teacher.train().groupSize();
        long seed = s.seed() != null ? s.seed() : teacher.train().seed();
        PromptSelection.Split split = s.split() != null ? s.split() : PromptSelection.Split.TRAIN;
        List<TaskPrompt> prompts = PromptSelection.select(task(teacher), split, s.prompts(), seed);
        int steps = sftSteps(s, student);
        String source = s.studentPath() != null ? s.studentPath().toString()
                : s.studentConfig().root().render(com.typesafe.config.ConfigRenderOptions.concise());
        Distillation.Result r = Distillation.run(new Distillation.Plan(teacher, in.checkpoint(), student, source,
                prompts, k, seed, steps, timeLimit(s)), dir, s.folder(), null);
        outputs.setAll(r.summary());
        outputs.put("samples", relative(dir.resolve(Distillation.SAMPLES)));
        outputs.put("sft_data", relative(dir.resolve(Distillation.SFT_DATA)));
        outputs.put("student_checkpoint", relative(r.student().checkpoint()));
        outputs.put("note", String.format("%,d-parameter student from %,d-parameter teacher; kept %,d samples",
                student.policy().layout().totalElements(), teacher.policy().layout().totalElements(),
                r.kept().kept()));
        return r.student().checkpoint();
    }

    /** An sft or distill stage's steps: as given; without, as many as its minutes allow, or the cold start's. */
    private static int sftSteps(Stage s, RunConfig c) {
        if (s.steps() != null) {
            return s.steps();
        }
        return s.minutes() != null ? Integer.MAX_VALUE : c.train().coldStartSteps();
    }

    private static java.time.Duration timeLimit(Stage s) {
        return s.minutes() == null ? null : java.time.Duration.ofMillis(Math.round(s.minutes() * 60_000));
    }

    private RunConfig student(Stage s, RunConfig teacher) {
        return s.studentPath() != null ? Distillation.student(s.studentPath(), stageUser(s), forced, teacher)
                : Distillation.student(s.studentConfig(), stageUser(s), forced, teacher);
    }

    /** The stage's config block over the recipe's. */
    private Config stageUser(Stage s) {
        return s.config().withFallback(recipe.shared());
    }

    /** The evaluation's settings for a checkpoint: the recipe's, never a stage's, so stages compare. */
    private RunConfig evalConfig(Path checkpoint) {
        return Configs.forCheckpoint(recipe.shared(), forced, checkpoint);
    }

    private Task task(RunConfig c) {
        return TaskFactory.create(c.train().task(), c, recipe.trainFile(), recipe.evalFile());
    }

    private String fingerprint(Stage s) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(recipe.fingerprintOf(s)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RL seconds a run's checkpoint had behind it. */
    private static double rlSeconds(Path checkpoint) {
        try {
            JsonNode state = MetricsLog.JSON.readTree(checkpoint.resolve("state.json").toFile());
            return state.path("run") instanceof ObjectNode run ? RunState.fromJson(run).wallSeconds() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + checkpoint.resolve("state.json"), e);
        }
    }

    private String relative(Path p) {
        return out.toAbsolutePath().normalize().relativize(p.toAbsolutePath().normalize()).toString();
    }

    private String relativeOrAbsolute(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(out.toAbsolutePath().normalize()) ? relative(abs) : abs.toString();
    }

    private static boolean fileIsEmpty(Path file) {
        try {
            return Files.size(file) == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String plan(Stage s) {
        return switch (s.kind()) {
            case SFT -> (s.steps() != null ? s.steps() + " " : "") + "SFT steps"
                    + (s.minutes() != null ? " (at most " + minutesText(s.minutes()) + " minutes)" : "") + " on "
                    + (s.data() != null ? s.data().toString() : s.dataFrom() != null ? "the data kept by " + s.dataFrom()
                            : "the task's worked solutions");
            case GRPO -> minutesText(s.minutes()) + " minutes of GRPO" + (s.from().equals(Recipe.INITIAL) ? " (no cold start)" : "");
            case SAMPLE -> "sampling " + s.prompts() + " prompts";
            case REJECT -> "keeping the correct, readable samples of " + s.samplesFrom();
            case REJECTION_SAMPLING -> "sampling " + s.prompts() + " prompts and keeping the correct, readable samples";
            case DISTILL -> "sampling " + s.prompts() + " prompts as the teacher, SFT of the student on those kept";
        };
    }

    private static String figuresLine(EvalResult r) {
        if (r == null) {
            return "";
        }
        return String.format(": held-out pass@1 %.3f, cons@%d %.3f, format %.3f, %.1f tokens", r.pass1(), r.k(),
                r.consK(), r.formatRate(), r.meanCompletionTokens());
    }

    private static String minutesText(double minutes) {
        return minutes == Math.rint(minutes) ? Long.toString((long) minutes) : Double.toString(minutes);
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    private ObjectNode writeSummary(List<Row> rows, long started) {
        ObjectNode o = MetricsLog.JSON.createObjectNode();
        o.put("recipe", recipe.file().toString());
        o.put("out", out.toAbsolutePath().normalize().toString());
        o.put("stages_in_recipe", recipe.stages().size());
        o.put("seconds", (System.nanoTime() - started) / 1e9);
        ArrayNode stages = o.putArray("stages");
        for (Row row : rows) {
            StageRecord r = row.record();
            ObjectNode st = stages.addObject();
            st.put("index", row.stage().index() + 1);
            st.put("name", r.name());
            st.put("kind", r.kind());
            st.put("from", row.stage().kind().readsCheckpoint() ? row.stage().from() : null);
            st.put("folder", row.stage().folder());
            st.put("status", row.ran() ? "ran" : "finished before");
            st.put("seconds", r.seconds());
            if (r.checkpoint() == null) {
                st.putNull("checkpoint");
            } else {
                st.put("checkpoint", r.checkpoint());
            }
            st.put("evaluated", r.evaluated());
            if (r.figures() != null) {
                st.set("figures", StageRecord.figures(r.figures()));
            }
            st.set("outputs", r.outputs());
        }
        if (rows.size() == recipe.stages().size()) {
            o.put("chart", CHART);
        }
        StageFiles.writeJson(out.resolve(SUMMARY), o);
        return o;
    }

    private void printTable(List<Row> rows) {
        int k = rows.stream().map(r -> r.record().figures()).filter(java.util.Objects::nonNull)
                .mapToInt(EvalResult::k).findFirst().orElse(0);
        int prompts = rows.stream().map(r -> r.record().figures()).filter(java.util.Objects::nonNull)
                .mapToInt(EvalResult::prompts).findFirst().orElse(0);
        int nameWidth = Math.max(5, rows.stream().mapToInt(r -> r.stage().name().length()).max().orElse(5));
        int fromWidth = Math.max(4, rows.stream().mapToInt(r -> r.stage().from().length()).max().orElse(4));
        String row = "%3s  %-" + nameWidth + "s  %-18s  %-" + fromWidth + "s  %6s  %6s  %6s  %6s  %6s  %7s  %s%n";
        console.printf("aha pipeline: %s -> %s (held-out: %d prompts x %d samples after each stage)%n", recipe.file(),
                out, prompts, k);
        console.printf(row, "#", "stage", "kind", "from", "pass@1", "greedy", "cons@" + k, "format", "tokens", "time",
                "notes");
        for (Row r : rows) {
            EvalResult f = r.record().figures();
            String note = r.record().outputs().path("note").asText("");
            if (!r.record().evaluated()) {
                note = (note.isEmpty() ? "" : note + "; ") + "checkpoint of " + r.stage().from();
            }
            if (!r.ran()) {
                note = note + " (finished before)";
            }
            console.printf(row, r.stage().index() + 1, r.stage().name(), r.stage().kind().label(),
                    r.stage().kind().readsCheckpoint() ? r.stage().from() : "-", fmt(f == null ? null : f.pass1()),
                    fmt(f == null ? null : f.greedyAccuracy()), fmt(f == null ? null : f.consK()),
                    fmt(f == null ? null : f.formatRate()),
                    f == null ? "-" : String.format("%.1f", f.meanCompletionTokens()), duration(r.record().seconds()),
                    note);
        }
        console.printf("figures: %s; chart: %s%n", out.resolve(SUMMARY), out.resolve(CHART));
    }

    private static String fmt(Double v) {
        return v == null || !Double.isFinite(v) ? "-" : String.format("%.3f", v);
    }
}
