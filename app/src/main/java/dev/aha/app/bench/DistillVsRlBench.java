package dev.aha.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.aha.app.recipe.Configs;
import dev.aha.app.recipe.Recipe;
import dev.aha.app.recipe.StagedPipeline;
import dev.aha.bench.BlasSection;
import dev.aha.runtime.metrics.MetricsLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aha bench distill-vs-rl}: R1's distillation finding in miniature. DeepSeek-R1 (section 4.1) trained
 * Qwen-32B-Base with large-scale RL and, separately, fine-tuned it on 800k samples of R1: the distilled model beat the
 * RL-trained one on every benchmark. Here, on a harder arithmetic setting (longer chains) than the demo's:
 *
 * <ol>
 *   <li>a teacher (the default 0.84M-parameter GPT) gets a cold start and GRPO, then is sampled on training prompts;
 *       its correct, readable samples are kept (rejection sampling, aha.reject's rules);</li>
 *   <li>a student several times smaller gets a short cold start of its own: its "base model", since a
 *       character-level model from random weights has no pretraining to start from (R1-Zero from random weights
 *       never earns a reward here: README);</li>
 *   <li>from that base, with the same wall-clock budget: (a) GRPO on the student, (b) SFT of the student on the
 *       teacher's kept samples, and (c), the control that tells the teacher's data from more SFT as such, SFT on the
 *       task's worked solutions (the cold start's data).</li>
 * </ol>
 *
 * The teacher's sampling is not charged to (b), as R1's 800k samples were not charged to its distilled models. The
 * stages are an {@code aha pipeline} recipe written into the output folder (so a killed run continues where it
 * stopped when run again); every checkpoint is evaluated on the same held-out prompts.
 */
@Command(name = "distill-vs-rl", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"R1's distillation finding in miniature: distil vs GRPO.",
            "On the built-in GPT and longer arithmetic chains: a teacher (cold start + GRPO) is rejection-sampled; "
                + "a student at least 4x smaller, from one cold start, gets the same wall-clock budget either (a) as "
                + "GRPO or (b) as SFT on the teacher's kept samples; (c), the control, gets it as SFT on the worked "
                + "solutions. Prints one JSON object with the held-out pass@1 of the teacher and of each student.",
            "About 40 minutes with the defaults on 2 cores. Run again with the same --out to continue."})
public final class DistillVsRlBench implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/bench/distill-vs-rl",
            description = "The pipeline's folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--budget-minutes", paramLabel = "M", defaultValue = "6",
            description = "Each student's training after its cold start: (a) GRPO, (b) SFT on the teacher's samples "
                    + "(default: ${DEFAULT-VALUE}).")
    double budgetMinutes;

    @Option(names = "--teacher-minutes", paramLabel = "M", defaultValue = "10",
            description = "The teacher's GRPO after its cold start (default: ${DEFAULT-VALUE}).")
    double teacherMinutes;

    @Option(names = "--teacher-samples", paramLabel = "N", defaultValue = "1500",
            description = "Training prompts the teacher is sampled on, 4 samples each (default: ${DEFAULT-VALUE}).")
    int teacherPrompts;

    @Option(names = "--student-base-steps", paramLabel = "N", defaultValue = "1000",
            description = "The student's cold start, shared by (a) and (b) (default: ${DEFAULT-VALUE}).")
    int studentBaseSteps;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "aha.train.seed (default: 1).")
    long seed;

    /** The student: half the teacher's width and depth; with the default teacher (128 wide, 4 layers) 7x smaller. */
    static final String STUDENT_POLICY = "{ model-dim = 64, layers = 2, heads = 2 }";
    static final double MIN_SIZE_RATIO = 4;

    @Override
    public Integer call() throws IOException {
        if (!(budgetMinutes > 0) || !(teacherMinutes > 0) || teacherPrompts < 1 || studentBaseSteps < 1) {
            throw new IllegalArgumentException("--budget-minutes and --teacher-minutes must be positive, "
                    + "--teacher-samples and --student-base-steps at least 1");
        }
        Files.createDirectories(out);
        Path recipeFile = out.resolve("distill-vs-rl.conf");
        Files.writeString(recipeFile, recipe());
        ObjectNode summary = new StagedPipeline(Recipe.load(recipeFile), out.resolve("pipeline"), System.err).run();
        ObjectNode report = report(summary);
        report.set("blas", BlasSection.json());
        Files.writeString(out.resolve("distill-vs-rl.json"),
                MetricsLog.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.out.println(MetricsLog.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        return 0;
    }

    /** The recipe, from the options: README shows it, and it is written beside the results. */
    String recipe() {
        return String.join("\n",
                "# Written by aha bench distill-vs-rl (its options made these figures). Run it with",
                "#   deploy/bin/aha pipeline --recipe THIS_FILE --out DIR",
                "task = arithmetic",
                "config {",
                "  aha.train.seed = " + seed,
                "  # Longer chains than the demo's 2-3 terms: 4 to 6 one-digit operands, + and -.",
                "  aha.task.arithmetic { min-terms = 4, max-terms = 6 }",
                "  aha.sampling.max-new-tokens = 96",
                "  # Every RL minute trains: no evaluation inside a run (each stage is evaluated after it).",
                "  aha.train.eval-every = 0",
                "}",
                "eval { prompts = 200, k = 8 }",
                "stages = [",
                "  { name = teacher-cold-start, kind = sft, steps = 1000 }",
                "  { name = teacher-rl, kind = grpo, minutes = " + teacherMinutes + " }",
                "  { name = teacher-samples, kind = rejection-sampling, prompts = " + teacherPrompts
                        + ", k = 4, seed = 11 }",
                "  { name = student-base, kind = sft, from = initial, steps = " + studentBaseSteps + ",",
                "    config.aha.policy " + STUDENT_POLICY + " }",
                "  # (a) RL on the student",
                "  { name = student-rl, kind = grpo, from = student-base, minutes = " + budgetMinutes + " }",
                "  # (b) distillation: SFT of the student on the teacher's kept samples, for the same time",
                "  { name = student-distilled, kind = sft, from = student-base, data-from = teacher-samples, minutes = "
                        + budgetMinutes + " }",
                "  # (c) the control: more SFT on the task's worked solutions, for the same time",
                "  { name = student-sft-worked, kind = sft, from = student-base, minutes = " + budgetMinutes + " }",
                "]",
                "");
    }

    private ObjectNode report(ObjectNode summary) {
        Map<String, JsonNode> stages = new java.util.HashMap<>();
        for (JsonNode s : summary.path("stages")) {
            stages.put(s.path("name").asText(), s);
        }
        Path pipeline = out.resolve("pipeline");
        long teacherParams = parameters(pipeline, stages.get("teacher-rl"));
        long studentParams = parameters(pipeline, stages.get("student-base"));
        double ratio = (double) teacherParams / studentParams;
        if (ratio < MIN_SIZE_RATIO) {
            throw new IllegalStateException(String.format("the student is only %.1fx smaller than the teacher: the "
                    + "comparison needs at least %.0fx", ratio, MIN_SIZE_RATIO));
        }
        ObjectNode r = MetricsLog.JSON.createObjectNode();
        r.put("task", "arithmetic, 4-6 one-digit operands, + and -");
        r.put("held_out", "200 prompts x 8 samples at temperature 1 (pass@1), and a greedy decode");
        r.put("teacher_parameters", teacherParams);
        r.put("student_parameters", studentParams);
        r.put("size_ratio", round(ratio));
        r.put("budget_minutes", budgetMinutes);
        ObjectNode teacher = r.putObject("teacher");
        teacher.set("cold_start", figures(stages.get("teacher-cold-start")));
        teacher.set("after_rl", figures(stages.get("teacher-rl")));
        teacher.put("rl_minutes", teacherMinutes);
        JsonNode sampled = stages.get("teacher-samples").path("outputs");
        ObjectNode samples = r.putObject("teacher_samples");
        samples.put("prompts", sampled.path("sampled").path("prompts").asInt());
        samples.put("k", sampled.path("k").asInt());
        samples.put("pass1", sampled.path("sampled").path("pass1").asDouble());
        samples.put("kept", sampled.path("rejection").path("kept").asLong());
        samples.put("seconds", round(stages.get("teacher-samples").path("seconds").asDouble()));
        ObjectNode base = r.putObject("student_base");
        base.put("sft_steps", studentBaseSteps);
        base.set("figures", figures(stages.get("student-base")));
        ObjectNode rl = r.putObject("student_rl");
        JsonNode rlOut = stages.get("student-rl").path("outputs");
        rl.put("learner_steps", rlOut.path("steps").asLong());
        rl.put("rl_seconds", round(rlOut.path("wall_seconds").asDouble()));
        rl.set("figures", figures(stages.get("student-rl")));
        sftStudent(r.putObject("student_distilled"), stages.get("student-distilled"));
        sftStudent(r.putObject("student_sft_worked_solutions"), stages.get("student-sft-worked"));
        double a = stages.get("student-rl").path("figures").path("pass1").asDouble();
        double b = stages.get("student-distilled").path("figures").path("pass1").asDouble();
        r.put("pass1_teacher", stages.get("teacher-rl").path("figures").path("pass1").asDouble());
        r.put("pass1_student_base", stages.get("student-base").path("figures").path("pass1").asDouble());
        r.put("pass1_student_rl", a);
        r.put("pass1_student_distilled", b);
        r.put("pass1_student_sft_worked_solutions", stages.get("student-sft-worked").path("figures").path("pass1")
                .asDouble());
        r.put("distilled_minus_rl", round(b - a));
        r.put("paper_finding", "DeepSeek-R1 4.1: distilling R1 into Qwen-32B beat large-scale RL on Qwen-32B-Base");
        r.put("agrees_with_paper", b > a);
        r.put("pipeline", pipeline.resolve(StagedPipeline.SUMMARY).toString());
        return r;
    }

    /** A student's SFT stage: its steps and seconds within the budget, and its held-out figures. */
    private static void sftStudent(ObjectNode into, JsonNode stage) {
        JsonNode outputs = stage.path("outputs");
        into.put("sft_steps", outputs.path("steps").asLong());
        into.put("sft_seconds", round(outputs.path("seconds").asDouble()));
        into.set("figures", figures(stage));
    }

    private static JsonNode figures(JsonNode stage) {
        return stage.path("figures");
    }

    private static long parameters(Path pipeline, JsonNode stage) {
        Path checkpoint = pipeline.resolve(stage.path("checkpoint").asText());
        return Configs.forCheckpoint(ConfigFactory.empty(), Map.of(), checkpoint).policy().layout().totalElements();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
