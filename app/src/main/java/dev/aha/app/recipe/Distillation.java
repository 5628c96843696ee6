package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.aha.actors.config.RunConfig;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.policy.Policies;
import dev.aha.runtime.rejection.RejectionFilter;
import dev.aha.runtime.rejection.RejectionSettings;
import dev.aha.runtime.rejection.RejectionStats;
import dev.aha.runtime.task.BadLinePolicy;
import dev.aha.runtime.task.Task;
import dev.aha.runtime.task.TaskPrompt;
import dev.aha.runtime.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Distillation as R1 does it: sample a teacher (k completions per training prompt, scored), keep the correct,
 * readable ones (aha.reject's rules), and fine-tune a student on them, which may be another size of the built-in GPT
 * or a Hugging Face model that shares the teacher's tokenizer. Everything goes into one folder:
 *
 * <pre>
 *   OUT/samples/samples.jsonl          the teacher's scored samples (aha sample's format; resumable)
 *   OUT/sft-data/kept.jsonl            the SFT set ({prompt, completion}), and kept.jsonl.stats.json beside it
 *   OUT/student/step-NNNNNN/, latest   the student's checkpoint, its policy.json the student's architecture
 *   OUT/distill.json                   what was done and the figures, written last
 * </pre>
 *
 * A re-run into the same folder continues the sampling where a killed run stopped, then filters and fine-tunes again.
 */
public final class Distillation {

    public static final String SAMPLES = "samples/samples.jsonl";
    public static final String SFT_DATA = "sft-data/kept.jsonl";
    public static final String STUDENT = "student";
    public static final String SUMMARY = "distill.json";

    /**
     * @param teacher the teacher's settings (its policy from its checkpoint); its aha.reject says what is kept
     * @param teacherCheckpoint the teacher's weights
     * @param student the student's settings: its policy, SFT batch size and learning rate
     * @param studentSource what the student is, for the record
     * @param prompts the training prompts sampled
     * @param k completions per prompt
     * @param seed seeds the sampling and the SFT data order
     * @param steps the student's SFT steps (the most, with a time limit)
     * @param timeLimit the student's SFT wall time, or null for none
     */
    public record Plan(RunConfig teacher, Path teacherCheckpoint, RunConfig student, String studentSource,
            List<TaskPrompt> prompts, int k, long seed, int steps, java.time.Duration timeLimit) {}

    /**
     * What it did.
     *
     * @param studentEval the student's held-out figures, or null when not evaluated
     * @param report distill.json's content
     */
    public record Result(Sampling.Totals sampled, RejectionStats kept, SftRun.Result student, EvalResult studentEval,
            DistillSummary report) {

        /** distill.json's content as JSON. */
        public ObjectNode summary() {
            return report.toJson();
        }
    }

    private Distillation() {}

    /**
     * @param evalTask evaluates the student on its held-out split at the end (aha.train.eval-prompts, eval-k of the
     *     student's settings; the figures go into distill.json), or null to leave that to the caller
     */
    public static Result run(Plan plan, Path out, String label, Task evalTask) {
        requireSharedTokenizer(plan.teacher(), plan.student());
        Path samples = out.resolve(SAMPLES);
        Path data = out.resolve(SFT_DATA);
        Sampling.Totals sampled = Sampling.run(plan.teacher(), plan.teacherCheckpoint(), plan.prompts(), plan.k(),
                plan.seed(), samples, label + " sample");
        RejectionSettings rules = plan.teacher().reject();
        RejectionStats kept = new RejectionFilter(rules).run(samples, data, BadLinePolicy.STOP);
        System.err.printf("%s: kept %,d of %,d teacher samples (%,d of %,d prompts) as SFT data%n", label, kept.kept(),
                kept.linesRead(), kept.promptsWithKept(), kept.prompts());
        if (kept.kept() == 0) {
            throw new IllegalArgumentException("the teacher's samples in " + samples + " gave no SFT data: no sample "
                    + "passed aha.reject's rules (statistics: " + RejectionFilter.statsFile(data) + ")");
        }
        Path studentDir = out.resolve(STUDENT);
        StageFiles.deleteTree(studentDir); // SFT restarts: never a mix of a killed run's checkpoint and this one's
        SftRun.Result student = SftRun.run(plan.student(), null,
                SftData.file(data, plan.seed(), plan.student().template()), plan.steps(),
                plan.timeLimit(), studentDir, label + " student sft");
        EvalResult figures = evalTask == null ? null
                : HeldOut.evaluate(plan.student(), student.checkpoint(), evalTask, label + " eval student");
        DistillSummary s = new DistillSummary(
                new DistillSummary.Model(String.valueOf(plan.teacherCheckpoint()), plan.teacher().policy().describe(),
                        plan.teacher().policy().layout().totalElements()),
                new DistillSummary.Model(plan.studentSource(), plan.student().policy().describe(),
                        plan.student().policy().layout().totalElements()),
                plan.k(), plan.seed(), Path.of(SAMPLES), sampled, Path.of(SFT_DATA), new Rejection(kept, rules),
                out.toAbsolutePath().relativize(student.checkpoint().toAbsolutePath()), student.figures(), figures);
        StageFiles.writeJson(out.resolve(SUMMARY), s.toJson());
        return new Result(sampled, kept, student, figures, s);
    }

    /**
     * The student's settings: {@code student} is a Hugging Face model directory (config.json; its own tokenizer.json
     * if it has one, else the teacher's tokenizer) or a HOCON file of overrides for the built-in GPT (say
     * aha.policy.model-dim, layers, heads) over {@code user}; the tokenizer is the teacher's unless the file names one.
     *
     * @param overrides the command line's --set, over the student's file too
     * @param forced keys set over everything (the task, say)
     */
    public static RunConfig student(Path student, Config user, Config overrides, Map<String, Object> forced,
            RunConfig teacher) {
        if (Files.isDirectory(student)) {
            if (!Files.isRegularFile(student.resolve("config.json"))) {
                throw new IllegalArgumentException("student " + student + " is a folder without config.json: give a "
                        + "Hugging Face model directory, or a HOCON file that sizes the built-in GPT");
            }
            Map<String, Object> all = new HashMap<>(forced);
            all.put("aha.policy.architecture", Policies.HF);
            all.put("aha.policy.model", student.toString());
            all.put("aha.tokenizer", Files.isRegularFile(student.resolve("tokenizer.json")) ? student.toString()
                    : teacherTokenizer(teacher));
            return Configs.load(user, overrides, all);
        }
        if (!Files.isRegularFile(student)) {
            throw new IllegalArgumentException("student " + student + " does not exist: give a Hugging Face model "
                    + "directory or a HOCON file");
        }
        Config file;
        try {
            file = ConfigFactory.parseFile(student.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("student config " + student + ": " + e.getMessage(), e);
        }
        return student(file, user, overrides, forced, teacher);
    }

    /** The same for overrides already parsed (a recipe's {@code student { ... }} block). */
    public static RunConfig student(Config studentSettings, Config user, Config overrides, Map<String, Object> forced,
            RunConfig teacher) {
        Map<String, Object> all = new HashMap<>(forced);
        if (!studentSettings.hasPath("aha.tokenizer") && !overrides.hasPath("aha.tokenizer")) {
            all.put("aha.tokenizer", teacherTokenizer(teacher));
        }
        return Configs.load(studentSettings.withFallback(user), overrides, all);
    }

    private static String teacherTokenizer(RunConfig teacher) {
        return teacher.policyDescription().path("tokenizer").asText();
    }

    /**
     * The student learns the teacher's text in the teacher's prompt format, so both must read it with one tokenizer:
     * the same name, or Hugging Face tokenizer folders whose tokenizer.json files are byte for byte the same.
     */
    public static void requireSharedTokenizer(RunConfig teacher, RunConfig student) {
        String a = teacherTokenizer(teacher);
        String b = teacherTokenizer(student);
        if (a.equals(b)) {
            return;
        }
        if (!Tokenizers.CHAR.equals(a) && !Tokenizers.CHAR.equals(b)) {
            try {
                if (Files.mismatch(Path.of(a, "tokenizer.json"), Path.of(b, "tokenizer.json")) == -1) {
                    return;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot compare the tokenizers of " + a + " and " + b, e);
            }
        }
        throw new IllegalArgumentException("the student must share the teacher's tokenizer (teacher: " + a
                + ", student: " + b + "): it learns the teacher's text in the teacher's prompt format");
    }
}
