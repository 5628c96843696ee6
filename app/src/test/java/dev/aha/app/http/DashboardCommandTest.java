package dev.aha.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aha.app.cli.Aha;
import dev.aha.runtime.metrics.MetricsLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** aha dashboard --run DIR serves the page and /api/run from the run's files, and stops after --seconds. */
class DashboardCommandTest {

    @Test
    void servesARunsFilesUntilItsTimeIsUp(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("metrics.jsonl"), RunFilesTest.step(1) + RunFilesTest.step(2)
                + RunFilesTest.eval(2));
        int port = Http.freePort();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> {
            CommandLine cli = Aha.commandLine();
            cli.setErr(new PrintWriter(err, true));
            return cli.execute("dashboard", "--run", dir.toString(), "--port", String.valueOf(port), "--seconds", "4");
        });
        String base = "http://127.0.0.1:" + port + "/";
        JsonNode run = null;
        for (int i = 0; i < 100 && run == null; i++) {
            try {
                run = MetricsLog.JSON.readTree(Http.get(base + "api/run").body());
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        assertTrue(run != null, "never served: " + err);
        assertEquals("files", run.get("source").asText());
        assertEquals(2, run.get("steps").size());
        assertEquals(1, run.get("evals").size());
        assertTrue(Http.get(base).body().contains("uPlot"), "the page");
        assertEquals(0, served.get(30, TimeUnit.SECONDS), err.toString());
    }
}
