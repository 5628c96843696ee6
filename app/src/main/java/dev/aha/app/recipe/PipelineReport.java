package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.metrics.StageChart;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a pipeline reports as its stages finish: {@code pipeline.json} (every stage's figures and outputs, rewritten
 * after each stage), {@code pipeline.png} (the held-out figures stage by stage) and the table on the console.
 */
final class PipelineReport {

    private record Row(Stage stage, StageRecord record, boolean ran) {}

    private final Recipe recipe;
    private final Path out;
    private final PrintStream console;
    private final long started = System.nanoTime();
    private final List<Row> rows = new ArrayList<>();

    /** @param console where the table goes */
    PipelineReport(Recipe recipe, Path out, PrintStream console) {
        this.recipe = recipe;
        this.out = out;
        this.console = console;
    }

    /** @param ran false for a stage that finished before this run and was skipped */
    void add(Stage stage, StageRecord record, boolean ran) {
        rows.add(new Row(stage, record, ran));
    }

    /** Writes pipeline.json over the stages so far; returns its content. */
    ObjectNode writeSummary() {
        ObjectNode o = MetricsLog.JSON.createObjectNode();
        o.put("recipe", recipe.file().toString());
        o.put("out", out.toAbsolutePath().normalize().toString());
        o.put("stages_in_recipe", recipe.stages().size());
        o.put("seconds", (System.nanoTime() - started) / 1e9);
        ArrayNode stages = o.putArray("stages");
        for (Row row : rows) {
            stages.add(stage(row));
        }
        if (rows.size() == recipe.stages().size()) {
            o.put("chart", StagedPipeline.CHART);
        }
        StageFiles.writeJson(out.resolve(StagedPipeline.SUMMARY), o);
        return o;
    }

    private static ObjectNode stage(Row row) {
        StageRecord r = row.record();
        ObjectNode st = MetricsLog.JSON.createObjectNode();
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
        st.set("outputs", r.outputs().toJson());
        return st;
    }

    /** Draws pipeline.png: the held-out figures after each stage. */
    void writeChart() {
        List<String> labels = new ArrayList<>();
        List<EvalResult> figures = new ArrayList<>();
        for (Row row : rows) {
            labels.add(row.stage().folder());
            figures.add(row.record().figures());
        }
        StageChart.write(out.resolve(StagedPipeline.CHART), "aha pipeline " + recipe.file().getFileName(), labels,
                figures);
    }

    /** The table of every stage's held-out figures, on the console. */
    void printTable() {
        int k = rows.stream().map(r -> r.record().figures()).filter(Objects::nonNull)
                .mapToInt(EvalResult::k).findFirst().orElse(0);
        int prompts = rows.stream().map(r -> r.record().figures()).filter(Objects::nonNull)
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
            String note = r.record().outputs().note();
            if (!r.record().evaluated()) {
                note = (note.isEmpty() ? "" : note + "; ") + "checkpoint of " + r.stage().from();
            }
            if (!r.ran()) {
                note = note + " (finished before)";
            }
            console.printf(row, r.stage().index() + 1, r.stage().name(), r.stage().kind().label(),
                    r.stage().kind().readsCheckpoint() ? r.stage().from() : "-",
                    StageText.figure(f == null ? null : f.pass1()),
                    StageText.figure(f == null ? null : f.greedyAccuracy()),
                    StageText.figure(f == null ? null : f.consK()),
                    StageText.figure(f == null ? null : f.formatRate()),
                    f == null ? "-" : String.format("%.1f", f.meanCompletionTokens()),
                    StageText.duration(r.record().seconds()), note);
        }
        console.printf("figures: %s; chart: %s%n", out.resolve(StagedPipeline.SUMMARY),
                out.resolve(StagedPipeline.CHART));
    }
}
