package dev.aha.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headless Chromium opens the dashboard of a run while it trains: the page fetched /api/run, drew the step lines on
 * its charts and received live updates over server-sent events (the page's own state on its body element). Skipped,
 * saying so, where Debian's chromium is not installed.
 */
class BrowserDashboardTest {

    private static final Pattern STATE = Pattern.compile(
            "<body data-steps=\"(\\d+)\" data-episodes=\"(\\d+)\" data-updates=\"(\\d+)\"");

    /** A multi-turn run's step lines carry its episodes' figures: the page draws them on a chart of their own. */
    @Test
    void aMultiTurnRunsEpisodeFiguresGetTheirChart(@TempDir Path dir) throws Exception {
        Path chromium = ExternalTool.require("chromium", "chromium", "chromium-browser", "google-chrome");
        Path run = Files.createDirectories(dir.resolve("run"));
        String episodes = ",\"episodes\":{\"episodes\":64,\"turns_per_episode\":%s,\"tool_calls_per_episode\":4.0,"
                + "\"tool_errors_per_episode\":0.5,\"truncated_fraction\":0.1}}\n";
        Files.writeString(run.resolve("metrics.jsonl"), RunFilesTest.step(1).strip().replaceAll("}$", "")
                + episodes.formatted("5.5") + RunFilesTest.step(2).strip().replaceAll("}$", "")
                + episodes.formatted("4.5"));
        String dom;
        try (HttpEndpoint endpoint = HttpEndpoint.start(new HttpSettings("127.0.0.1", 0, Duration.ofSeconds(1), 2,
                256, Duration.ofSeconds(15)), new RunFiles(run), "the run")) {
            dom = ExternalTool.run(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--user-data-dir=" + dir.resolve("profile"), "--virtual-time-budget=10000", "--dump-dom",
                    endpoint.url() + "?updates=1"), null, dir.resolve("chromium.log"), 60);
        }
        Matcher body = STATE.matcher(dom);
        assertTrue(body.find(), "no dashboard state in the page: " + dom);
        assertEquals("2", body.group(1));
        assertEquals("2", body.group(2), "both steps' episode figures drawn");
        assertTrue(dom.contains("Per episode: turns, tool calls, tool errors"), "the episodes' chart");
    }

    @Test
    void theDashboardDrawsTheStepsOfARunningTrainingAndFollowsItsEvents(@TempDir Path dir) throws Exception {
        Path chromium = ExternalTool.require("chromium", "chromium", "chromium-browser", "google-chrome");
        int port = Http.freePort();
        String base = "http://127.0.0.1:" + port + "/";
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> run = TrainingEndpointTest.train(dir.resolve("run"), port, 25, err);
        TrainingEndpointTest.scrapeOnceStepping(base, run);

        List<String> headless = List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--user-data-dir=" + dir.resolve("profile"), "--virtual-time-budget=15000");
        // ?updates=2: the page stops following after two events, so the browser's clock can run to the end
        String dom = ExternalTool.run(concat(headless, "--dump-dom", base + "?updates=2"), null,
                dir.resolve("chromium.log"), 90);
        Matcher body = STATE.matcher(dom);
        assertTrue(body.find(), "no dashboard state in the page: " + dom);
        assertTrue(Integer.parseInt(body.group(1)) >= 1, "the charts drew no step: " + body.group());
        assertEquals("0", body.group(2), "a single-turn task has no episode figures");
        assertEquals("2", body.group(3), "live updates received");
        assertTrue(dom.contains("<canvas"), "uPlot drew its canvases");
        assertEquals(0, run.get(120, TimeUnit.SECONDS), err.toString());
    }

    private static List<String> concat(List<String> a, String... more) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(List.of(more));
        return all;
    }
}
