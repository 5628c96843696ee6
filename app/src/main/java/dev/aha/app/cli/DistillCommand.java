package dev.aha.app.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.aha.actors.config.RunConfig;
import dev.aha.app.recipe.Distillation;
import dev.aha.actors.run.TaskFactory;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.rejection.PromptSelection;
import dev.aha.runtime.task.Task;
import dev.aha.runtime.task.TaskPrompt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code aha distill}: sample a teacher, keep what is correct and readable, fine-tune a student on it. */
@Command(name = "distill", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Distil a teacher checkpoint into a (smaller) student.",
            "Distillation as R1 does it: sample --k completions per training prompt from the --teacher "
                + "checkpoint (aha sample), keep the correct, readable ones (aha reject, aha.reject's rules), and "
                + "fine-tune the --student on them (aha sft --data). The student may be another size: a HOCON file "
                + "setting aha.policy.model-dim/layers/heads for the built-in GPT, or a Hugging Face model folder "
                + "that shares the teacher's tokenizer.",
            "Writes OUT/samples/samples.jsonl, OUT/sft-data/kept.jsonl (+ .stats.json), OUT/student/ (the student's "
                + "checkpoint) and OUT/distill.json. Run again with the same --out to continue a killed sampling."})
public final class DistillCommand implements Callable<Integer> {

    @Mixin
    RunOptions run = new RunOptions();

    @Option(names = "--teacher", required = true, paramLabel = "CKPT",
            description = "The teacher's checkpoint (or a run's folder: its latest).")
    Path teacher;

    @Option(names = "--student", required = true, paramLabel = "MODEL_DIR|CONFIG",
            description = "A Hugging Face model folder, or a HOCON file of aha.* settings for a built-in GPT "
                    + "(over --config).")
    Path student;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where everything goes.")
    Path out;

    @Option(names = "--k", paramLabel = "N", description = "Teacher samples per prompt (default: aha.train.group-size).")
    Integer k;

    @Option(names = "--prompts", paramLabel = "N",
            description = "Training prompts sampled (default: all of a file task's; the arithmetic task needs N).")
    Integer prompts;

    @Option(names = "--split", paramLabel = "train|held-out", defaultValue = "train",
            description = "Which prompts are sampled (default: train).")
    String split;

    @Option(names = "--steps", paramLabel = "N",
            description = "The student's SFT steps (default: its aha.train.cold-start.steps).")
    Integer steps;

    @Option(names = "--minutes", paramLabel = "M",
            description = "The student's SFT wall time: it stops at M minutes, or at --steps if given and reached "
                    + "first (a budget in time, to compare with RL on the student).")
    Double minutes;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seeds the prompts' order, the sampling and the SFT data order (default: aha.train.seed).")
    Long seed;

    @Option(names = "--no-eval", description = "Skip the student's held-out evaluation at the end.")
    boolean noEval;

    @Override
    public Integer call() throws Exception {
        if (run.model.model != null) {
            throw new IllegalArgumentException("--model does not apply: the teacher is --teacher CKPT, the student "
                    + "--student MODEL_DIR|CONFIG");
        }
        PromptSelection.Split which = PromptSelection.Split.parse(split);
        Path teacherDir = CheckpointStore.resolve(teacher);
        RunConfig teacherConfig = run.loadFor(teacherDir, Map.of());
        Map<String, Object> forced = new HashMap<>();
        if (run.task != null) {
            forced.put("aha.train.task", run.task);
        }
        if (run.model.device != null) {
            forced.put("aha.device", run.model.device);
        }
        RunConfig studentConfig = Distillation.student(student, userConfig(), run.model.settings.overrides(), forced,
                teacherConfig);
        Distillation.requireSharedTokenizer(teacherConfig, studentConfig);
        Task task = TaskFactory.create(teacherConfig.train().task(), teacherConfig, run.trainFile, run.evalFile);
        long runSeed = seed != null ? seed : teacherConfig.train().seed();
        List<TaskPrompt> selected = PromptSelection.select(task, which, prompts, runSeed);
        int group = k != null ? k : teacherConfig.train().groupSize();
        if (minutes != null && !(minutes > 0)) {
            throw new IllegalArgumentException("--minutes must be positive, was " + minutes);
        }
        int n = steps != null ? steps : minutes != null ? Integer.MAX_VALUE : studentConfig.train().coldStartSteps();
        Duration limit = minutes == null ? null : Duration.ofMillis(Math.round(minutes * 60_000));
        Distillation.Result r = Distillation.run(new Distillation.Plan(teacherConfig, teacherDir, studentConfig,
                student.toString(), selected, group, runSeed, n, limit), out, "distill", noEval ? null : task);
        System.out.println(MetricsLog.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r.summary()));
        EvalResult e = r.studentEval();
        System.err.printf("aha distill: %,d-parameter teacher -> %,d-parameter student: %,d prompts x %d sampled "
                        + "(pass@1 %.3f), %,d kept; student SFT %d steps, loss %.4f%s; written to %s%n",
                teacherConfig.policy().layout().totalElements(), studentConfig.policy().layout().totalElements(),
                selected.size(), group, r.sampled().pass1(), r.kept().kept(), r.student().steps(), r.student().loss(),
                e == null ? "" : String.format("; student held-out pass@1 %.3f, cons@%d %.3f, format %.3f", e.pass1(),
                        e.k(), e.consK(), e.formatRate()), out.toAbsolutePath());
        return 0;
    }

    /** The --config file's settings alone (the layer the student's file goes over), or none. */
    private Config userConfig() {
        Path file = run.model.settings.file();
        if (file == null) {
            return ConfigFactory.empty();
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("config file " + file + " does not exist or is not a file");
        }
        try {
            return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("config file " + file + ": " + e.getMessage(), e);
        }
    }
}
