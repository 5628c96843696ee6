package dev.aha.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aha.runtime.grpo.RolloutMismatch;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsOutputTest {

    @TempDir
    Path dir;

    @Test
    void shouldAppendOneSnakeCaseJsonLinePerStepAcrossReopens() throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = new MetricsLog(file)) {
            log.append(metrics(1));
        }
        try (MetricsLog log = new MetricsLog(file)) { // a resumed run appends
            log.append(metrics(2));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        JsonNode second = MetricsLog.JSON.readTree(lines.get(1));
        assertEquals(2, second.get("step").asInt());
        assertEquals(0.5, second.get("reward_mean").asDouble());
        assertEquals(3, second.get("staleness_histogram").get("1").asInt());
        assertEquals(1000, second.get("sampled_tokens_per_second").asDouble());
        assertEquals(800, second.get("used_tokens_per_second").asDouble());
        assertEquals(0, second.get("optimizer_skipped_steps").asLong());
        assertFalse(second.has("generated_tokens_per_second"), "renamed: it said neither sampled nor used");
    }

    @Test
    void shouldDrawTheFourCurvesTheirGridAndPassAtOneOverTime() throws Exception {
        List<StepMetrics> steps = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            steps.add(metrics(i));
        }
        List<Path> files = TrainingCharts.write(dir, "test", steps,
                List.of(new EvalPoint(0, 30, 0.3), new EvalPoint(20, 95, 0.6)));
        assertEquals(6, files.size());
        assertTrue(files.contains(dir.resolve("pass1_vs_time.png")));
        for (Path f : files) {
            BufferedImage image = ImageIO.read(f.toFile());
            assertTrue(image.getWidth() >= 640 && image.getHeight() >= 400, f.toString());
        }
        assertEquals(1280, ImageIO.read(dir.resolve("training.png").toFile()).getWidth());
    }

    @Test
    void withoutEvaluationsThereIsNoCurveOverTime() {
        List<Path> files = TrainingCharts.write(dir, "test", List.of(metrics(1), metrics(2)), List.of());
        assertEquals(5, files.size());
        assertFalse(Files.exists(dir.resolve("pass1_vs_time.png")));
    }

    private static StepMetrics metrics(int step) {
        TreeMap<Integer, Long> staleness = new TreeMap<>();
        staleness.put(0, 5L);
        staleness.put(1, 3L);
        return new StepMetrics(step, step, step * 0.5, 0.5, 0.1, 0.4, 0.9, 0.01 * step, 0.01, 0.02, 1.0, 0.1, 0.5,
                30 + step, staleness, 10, 1000, 800, 0.6, 0.9, 0, 0, 2000, 0, RolloutMismatch.NONE, 0);
    }
}
