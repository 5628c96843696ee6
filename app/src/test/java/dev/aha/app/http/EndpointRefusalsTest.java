package dev.aha.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import dev.aha.app.cli.Aha;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What the endpoint refuses, and how: HTTP errors for bad requests, one line for a port in use. */
class EndpointRefusalsTest {

    private static HttpEndpoint serve(Path dir, Duration idle) throws Exception {
        Files.writeString(dir.resolve("metrics.jsonl"), RunFilesTest.step(1));
        HttpSettings s = new HttpSettings("127.0.0.1", 0, Duration.ofSeconds(1), 2, 256, idle);
        return HttpEndpoint.start(s, new RunFiles(dir), "a test");
    }

    @Test
    void badRequestsGetHttpErrors(@TempDir Path dir) throws Exception {
        try (HttpEndpoint endpoint = serve(dir, Duration.ofSeconds(15))) {
            String base = endpoint.url();
            assertEquals(404, Http.get(base + "no/such/page").statusCode());
            assertEquals(404, Http.get(base + "metrics").statusCode(), "a run's files have no live metrics");
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + "api/run"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
            HttpResponse<String> huge = client.send(HttpRequest.newBuilder(URI.create(base + "api/run"))
                    .header("X-Huge", "a".repeat(64 * 1024)).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(huge.statusCode() == 431 || huge.statusCode() == 400, "huge header: " + huge.statusCode());
            assertEquals(200, Http.get(base + "api/run").statusCode(), "still serving");
        }
    }

    /** A hundred clients that open a request and never finish it neither block others nor stay forever. */
    @Test
    void slowClientsNeitherBlockOthersNorStay(@TempDir Path dir) throws Exception {
        try (HttpEndpoint endpoint = serve(dir, Duration.ofSeconds(1))) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    Socket s = new Socket("127.0.0.1", endpoint.address().getPort());
                    OutputStream out = s.getOutputStream();
                    out.write("GET /api/run HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    slow.add(s);
                }
                long start = System.nanoTime();
                assertEquals(200, Http.get(endpoint.url() + "api/run").statusCode());
                assertTrue(System.nanoTime() - start < 2_000_000_000L, "answered while 100 clients stall");
                Socket first = slow.get(0);
                first.setSoTimeout(10_000);
                InputStream in = first.getInputStream();
                byte[] buffer = new byte[4096];
                int n = 0;
                try {
                    while ((n = in.read(buffer)) > 0) {
                        // an error response, if any, then the close
                    }
                } catch (java.net.SocketException reset) {
                    n = -1; // closed by a reset: closed all the same
                }
                assertEquals(-1, n, "the stalled connection was closed after the idle timeout");
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aPortInUseStopsTheCommandInOneLine(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            StringWriter err = new StringWriter();
            CommandLine cli = Aha.commandLine();
            cli.setOut(new PrintWriter(new StringWriter()));
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute("train", "--backend", "simulated", "--minutes", "0.05", "--out",
                    dir.resolve("run").toString(), "--set", "aha.http.port=" + port);
            assertEquals(1, code, err.toString());
            String line = err.toString().strip();
            assertTrue(line.startsWith("aha train: aha.http cannot bind 127.0.0.1:" + port), line);
            assertFalse(line.contains("\n"), "one line: " + line);
            assertFalse(Files.exists(dir.resolve("run").resolve("metrics.jsonl")), "nothing ran");
        }
    }

    @Test
    void theDashboardCommandRefusesAFolderWithoutMetricsInOneLine(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        CommandLine cli = Aha.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(1, cli.execute("dashboard", "--run", dir.toString(), "--port", "0"));
        assertTrue(err.toString().strip().startsWith("aha dashboard: no metrics.jsonl in " + dir), err.toString());
        assertFalse(err.toString().strip().contains("\n"), err.toString());
    }
}
