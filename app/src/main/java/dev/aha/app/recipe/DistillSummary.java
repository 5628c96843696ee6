package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.metrics.MetricsLog;
import java.nio.file.Path;

/**
 * What a distillation did: distill.json's content, and a distill stage's outputs. Paths are relative to the folder
 * of the file that records them.
 *
 * @param teacher the teacher: its checkpoint, policy and size
 * @param student the student: what it is (a file, a folder, a block of settings), policy and size
 * @param k completions per prompt
 * @param seed seeds the sampling and the SFT data order
 * @param samples the teacher's scored samples
 * @param sampled what the sampling found
 * @param sftData the kept samples the student trained on
 * @param rejection what was kept and dropped
 * @param studentCheckpoint the student's checkpoint
 * @param studentSft how the student's SFT went
 * @param studentEval the student's held-out figures; null when not evaluated
 */
public record DistillSummary(Model teacher, Model student, int k, long seed, Path samples, Sampling.Totals sampled,
        Path sftData, Rejection rejection, Path studentCheckpoint, SftFigures studentSft, EvalResult studentEval) {

    /**
     * One side of a distillation.
     *
     * @param source where it came from, as given
     * @param policy its policy's description (what a checkpoint's policy.json holds)
     * @param parameters its parameter count
     */
    public record Model(String source, JsonNode policy, long parameters) {}

    /** The same with paths relative to another folder (a pipeline's). */
    DistillSummary withPaths(Path samples, Path sftData, Path studentCheckpoint) {
        return new DistillSummary(teacher, student, k, seed, samples, sampled, sftData, rejection, studentCheckpoint,
                studentSft, studentEval);
    }

    public ObjectNode toJson() {
        ObjectNode s = MetricsLog.JSON.createObjectNode();
        put(s, "teacher", teacher);
        put(s, "student", student);
        s.put("k", k);
        s.put("seed", seed);
        s.put("samples", samples.toString());
        s.set("sampled", sampled.toJson());
        s.put("sft_data", sftData.toString());
        s.set("rejection", rejection.toJson());
        s.put("student_checkpoint", studentCheckpoint.toString());
        s.set("student_sft", studentSft.toJson());
        if (studentEval != null) {
            s.set("student_eval", StageRecord.figures(studentEval));
        }
        return s;
    }

    private static void put(ObjectNode s, String side, Model m) {
        s.put(side, m.source());
        s.set(side + "_policy", m.policy());
        s.put(side + "_parameters", m.parameters());
    }

    static DistillSummary read(JsonNode s) {
        return new DistillSummary(model(s, "teacher"), model(s, "student"), s.path("k").asInt(),
                s.path("seed").asLong(), Path.of(s.path("samples").asText()), Sampling.Totals.read(s.path("sampled")),
                Path.of(s.path("sft_data").asText()), Rejection.read(s.path("rejection")),
                Path.of(s.path("student_checkpoint").asText()), SftFigures.read(s.path("student_sft")),
                s.has("student_eval") ? StageRecord.figures(s.get("student_eval")) : null);
    }

    private static Model model(JsonNode s, String side) {
        return new Model(s.path(side).asText(), s.path(side + "_policy"), s.path(side + "_parameters").asLong());
    }
}
