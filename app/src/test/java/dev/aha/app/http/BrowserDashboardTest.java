package dev.aha.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Path;
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
        Matcher body = Pattern.compile("<body data-steps=\"(\\d+)\" data-updates=\"(\\d+)\"").matcher(dom);
        assertTrue(body.find(), "no dashboard state in the page: " + dom);
        assertTrue(Integer.parseInt(body.group(1)) >= 1, "the charts drew no step: " + body.group());
        assertEquals("2", body.group(2), "live updates received");
        assertTrue(dom.contains("<canvas"), "uPlot drew its canvases");
        assertEquals(0, run.get(120, TimeUnit.SECONDS), err.toString());
    }

    private static List<String> concat(List<String> a, String... more) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(List.of(more));
        return all;
    }
}
