package dev.aha.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.grpo.RolloutMismatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.jsonl after a crash: the torn last line is skipped when read and cut off before a resume appends. */
class MetricsLogTest {

    private static StepMetrics step(long n) {
        return new StepMetrics(n, n, n, 0.5, 0.1, 0.5, 1, 0, 0, 0, 1, 0, 0, 10, new TreeMap<>(), 1, 1, 1, 0.5, 0.5, 0,
                0, 1, 0, RolloutMismatch.NONE, 0);
    }

    @Test
    void aTornLastLineIsSkippedOnReadAndCutOffBeforeTheNextAppend(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = new MetricsLog(file)) {
            log.append(step(1));
            log.appendEval(1, 1, 2.5, null);
            log.append(step(2));
        }
        Files.writeString(file, "{\"step\":3,\"vers", StandardOpenOption.APPEND); // the crash
        assertEquals(2, MetricsLog.readSteps(file).size());

        try (MetricsLog resumed = new MetricsLog(file)) {
            resumed.append(step(3));
        }
        assertEquals(3, MetricsLog.readSteps(file).size());
        assertFalse(Files.readString(file).contains("\"vers\n"), "the torn fragment is gone");
    }

    @Test
    void evaluationsAreReadBackWithTheirTimeAcrossResumedSegments(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        EvalResult r = new EvalResult(200, 2, 0.62, 0.7, 0.66, 0.98, 40);
        try (MetricsLog log = new MetricsLog(file)) {
            log.appendEval(0, 0, 110.5, r);
            log.append(step(1));
            log.appendEval(100, 100, 190, r);
        }
        try (MetricsLog resumed = new MetricsLog(file)) {
            resumed.appendEval(200, 200, 290, r);
        }
        assertEquals(List.of(new EvalPoint(0, 110.5, 0.62), new EvalPoint(100, 190, 0.62), new EvalPoint(200, 290, 0.62)),
                MetricsLog.readEvals(file));
        assertEquals(1, MetricsLog.readSteps(file).size());
    }

    @Test
    void uniformDropLinesAreNeitherStepsNorEvaluations(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = new MetricsLog(file)) {
            log.append(step(1));
            log.append(new UniformDrops.Line(1, 1, 30.5, new UniformDrops(8, 8, 0, 12.5)));
            log.append(step(2));
        }
        assertEquals(List.of(1L, 2L), MetricsLog.readSteps(file).stream().map(StepMetrics::step).toList());
        assertEquals(List.of(), MetricsLog.readEvals(file));
        String line = Files.readAllLines(file).get(1);
        assertEquals("{\"step\":1,\"version\":1,\"wall_seconds\":30.5,\"uniform_drops\":{\"groups\":8,"
                + "\"solved\":8,\"failed\":0,\"seconds_since_step\":12.5}}", line);
    }

    /** The mismatch is one object per line; a line written before it existed reads back as nothing measured. */
    @Test
    void theRolloutMismatchRoundTripsAndOlderLinesReadWithoutIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        RolloutMismatch mismatch = new RolloutMismatch(new RolloutMismatch.Figures(10, 0.02, 0.3, 0.0012, 0.0011),
                RolloutMismatch.Figures.NONE);
        StepMetrics base = step(1);
        StepMetrics measured = new StepMetrics(1, 1, 1, 0.5, 0.1, 0.5, 1, 0, 0, 0, 1, 0, 0, 10, new TreeMap<>(), 1, 1,
                1, 0.5, 0.5, 0, 0, 1, 0, mismatch, 0.25);
        try (MetricsLog log = new MetricsLog(file)) {
            log.append(measured);
        }
        String line = Files.readAllLines(file).get(0);
        assertTrue(line.contains("\"mismatch\":{\"all\":{\"tokens\":10,\"mean_abs_log_diff\":0.02,"
                + "\"max_abs_log_diff\":0.3,\"kl\":0.0012,\"k3\":0.0011},\"fresh\":{\"tokens\":0,"), line);
        assertTrue(line.endsWith(",\"corrected_fraction\":0.25,\"reward_rule_mean\":0.5,\"reward_model_mean\":0.0}"),
                line);
        assertEquals(List.of(measured), MetricsLog.readSteps(file));

        String older = line.substring(0, line.indexOf(",\"mismatch\"")) + "}\n";
        Files.writeString(file, older);
        StepMetrics read = MetricsLog.readSteps(file).get(0);
        assertEquals(RolloutMismatch.NONE, read.mismatch());
        assertEquals(0, read.correctedFraction());
        assertEquals(base.wallSeconds(), read.wallSeconds());
    }

    @Test
    void aMalformedLineInTheMiddleIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = new MetricsLog(file)) {
            log.append(step(1));
        }
        Files.writeString(file, "not json\n", StandardOpenOption.APPEND);
        try (MetricsLog log = new MetricsLog(file)) {
            log.append(step(2));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MetricsLog.readSteps(file));
        assertEquals(true, e.getMessage().contains("line 2"), e.getMessage());
    }
}
