package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.metrics.MetricsLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A finished stage: its folder's {@code stage.json}, written last and atomically, so that its presence means the
 * stage finished and a re-run skips it.
 *
 * @param id this run of the stage (a stage that depends on it records the id, and runs again if the id changed)
 * @param fingerprint the stage's settings when it ran ({@link Recipe#fingerprintOf})
 * @param inputs the stages it read from (checkpoint, samples, SFT data) and their ids then
 * @param checkpoint the checkpoint current after it, relative to the pipeline's folder (a stage that does not train
 *     passes its input on); null for the initial policy
 * @param evaluated whether the figures were measured after this stage (false: the checkpoint's, measured before)
 * @param figures held-out figures of {@code checkpoint}
 * @param outputs what it wrote and its own figures
 * @param seconds wall time of the run that finished it
 */
public record StageRecord(int index, String name, String kind, String id, String fingerprint,
        Map<String, String> inputs, String checkpoint, boolean evaluated, EvalResult figures, StageOutput outputs,
        double seconds, String finishedAt) {

    public static final String FILE = "stage.json";
    public static final String FORMAT = "aha-stage-1";

    public ObjectNode toJson() {
        ObjectNode o = MetricsLog.JSON.createObjectNode();
        o.put("format", FORMAT);
        o.put("index", index);
        o.put("name", name);
        o.put("kind", kind);
        o.put("id", id);
        o.put("fingerprint", fingerprint);
        ObjectNode in = o.putObject("inputs");
        inputs.forEach(in::put);
        if (checkpoint == null) {
            o.putNull("checkpoint");
        } else {
            o.put("checkpoint", checkpoint);
        }
        o.put("evaluated", evaluated);
        if (figures != null) {
            o.set("figures", figures(figures));
        }
        o.set("outputs", outputs.toJson());
        o.put("seconds", seconds);
        o.put("finished_at", finishedAt);
        return o;
    }

    /** An evaluation as the records write it: finite numbers only (no greedy figure: null). */
    public static ObjectNode figures(EvalResult r) {
        ObjectNode f = MetricsLog.JSON.createObjectNode();
        f.put("prompts", r.prompts());
        f.put("k", r.k());
        f.put("pass1", r.pass1());
        if (Double.isFinite(r.greedyAccuracy())) {
            f.put("greedy_accuracy", r.greedyAccuracy());
        } else {
            f.putNull("greedy_accuracy");
        }
        f.put("cons_k", r.consK());
        f.put("format_rate", r.formatRate());
        f.put("mean_completion_tokens", r.meanCompletionTokens());
        if (r.passAtK().length > 0) { // pass@1..pass@k; absent from records written before it was measured
            com.fasterxml.jackson.databind.node.ArrayNode passAtK = f.putArray("pass_at_k");
            for (double v : r.passAtK()) {
                passAtK.add(v);
            }
        }
        return f;
    }

    static EvalResult figures(JsonNode f) {
        JsonNode greedy = f.path("greedy_accuracy");
        return new EvalResult(f.path("prompts").asInt(), f.path("k").asInt(), f.path("pass1").asDouble(),
                greedy.isNumber() ? greedy.asDouble() : Double.NaN, f.path("cons_k").asDouble(),
                f.path("format_rate").asDouble(), f.path("mean_completion_tokens").asDouble(), Double.NaN,
                passAtK(f.path("pass_at_k")));
    }

    private static double[] passAtK(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    /** The record in {@code stageDir}, or null when the stage has not finished there. */
    public static StageRecord read(Path stageDir) {
        Path file = stageDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode o;
        try {
            o = MetricsLog.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        StageKind kind = o == null ? null : StageKind.parse(o.path("kind").asText());
        if (kind == null || !FORMAT.equals(o.path("format").asText())) {
            throw new IllegalArgumentException(file + " is not a stage record (format " + FORMAT + "): delete the "
                    + "folder to run the stage again");
        }
        StageOutput outputs;
        try {
            outputs = StageOutput.read(kind, o.path("outputs"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": the outputs of a " + kind.label() + " stage do not read back ("
                    + e.getMessage() + "): delete the folder to run the stage again", e);
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        o.path("inputs").properties().forEach(e -> inputs.put(e.getKey(), e.getValue().asText()));
        JsonNode checkpoint = o.path("checkpoint");
        return new StageRecord(o.path("index").asInt(), o.path("name").asText(), o.path("kind").asText(),
                o.path("id").asText(), o.path("fingerprint").asText(), inputs,
                checkpoint.isTextual() ? checkpoint.asText() : null, o.path("evaluated").asBoolean(),
                o.has("figures") ? figures(o.get("figures")) : null,
                outputs, o.path("seconds").asDouble(), o.path("finished_at").asText());
    }

    /** Writes {@code stage.json} into {@code stageDir}: last, atomically. */
    public void write(Path stageDir) {
        StageFiles.writeJson(stageDir.resolve(FILE), toJson());
    }
}
