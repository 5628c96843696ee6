package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.app.serve.ServeSettings;
import dev.aha.runtime.testing.TestData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code aha serve} on a tiny random Qwen3 with the real Qwen3 tokenizer and chat template, driven over HTTP by the
 * JDK's client: the OpenAI shapes, a tool-call round trip in the conversation, and each refusal (400, 401, 429) while
 * the server keeps serving.
 */
class ServeCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "s3cret";

    @TempDir
    static Path dir;

    private static ServeCommand serve;
    private static Thread serving;
    private static String base;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path model = dir.resolve("q3");
        assertEquals(0, CliRun.of("init-model", "--architecture", "qwen3", "--hidden", "32", "--layers", "1",
                "--heads", "2", "--kv-heads", "1", "--intermediate", "64", "--tokenizer",
                TestData.tokenizer("qwen3").toString(), "--seed", "3", "--out", model.toString()).code());
        serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--model", model.toString(), "--port", "0", "--token", TOKEN,
                "--max-waiting", "1", "--set", "aha.policy.context-length=256");
        serving = new Thread(() -> {
            try {
                serve.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "serve");
        serving.start();
        for (int i = 0; i < 600 && serve.running == null && serving.isAlive(); i++) {
            Thread.sleep(100);
        }
        assertNotNull(serve.running, "the server started");
        base = "http://127.0.0.1:" + serve.running.port() + "/v1/";
    }

    @AfterAll
    static void stop() throws InterruptedException {
        serve.stop.countDown();
        serving.join(30_000);
    }

    private static HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listsItsModel() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "models"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("q3", JSON.readTree(r.body()).path("data").get(0).path("id").asText());
    }

    @Test
    void answersAChatThatCarriesAToolCallRoundTrip() throws Exception {
        String body = """
            {"model": "q3", "max_tokens": 4, "temperature": 0,
             "tools": [{"type": "function", "function": {"name": "calculator", "description": "exact arithmetic",
                        "parameters": {"type": "object", "properties": {"expression": {"type": "string"}}}}}],
             "messages": [
               {"role": "user", "content": "What is 123*456?"},
               {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                 "function": {"name": "calculator", "arguments": "{\\"expression\\": \\"123*456\\"}"}}]},
               {"role": "tool", "tool_call_id": "call_1", "content": "56088"}]}""";
        HttpResponse<String> r = post("chat/completions", body, TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode out = JSON.readTree(r.body());
        assertEquals("chat.completion", out.path("object").asText());
        JsonNode choice = out.path("choices").get(0);
        assertEquals("assistant", choice.path("message").path("role").asText());
        assertTrue(List.of("stop", "length", "tool_calls").contains(choice.path("finish_reason").asText()));
        assertTrue(out.path("usage").path("prompt_tokens").asInt() > 40, "the tools and the round trip are rendered");
        assertTrue(out.path("usage").path("completion_tokens").asInt() <= 4);
    }

    @Test
    void completesAPrompt() throws Exception {
        HttpResponse<String> r = post("completions", "{\"prompt\": \"2+3=\", \"max_tokens\": 3}", TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("text_completion", JSON.readTree(r.body()).path("object").asText());
    }

    @Test
    void refusesBadRequestsWithTheReasonAndKeepsServing() throws Exception {
        HttpResponse<String> badJson = post("chat/completions", "{\"messages\": [", TOKEN);
        assertEquals(400, badJson.statusCode());
        assertTrue(JSON.readTree(badJson.body()).path("error").path("message").asText().startsWith("the body is not "
                + "JSON"), badJson.body());
        HttpResponse<String> tooLong = post("chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \""
                + "word ".repeat(400) + "\"}]}", TOKEN);
        assertEquals(400, tooLong.statusCode());
        assertTrue(tooLong.body().contains("leave no room in the context of 256"), tooLong.body());
        assertEquals(401, post("completions", "{\"prompt\": \"x\"}", "wrong").statusCode());
        assertEquals(401, post("completions", "{\"prompt\": \"x\"}", null).statusCode());
        assertEquals(200, post("completions", "{\"prompt\": \"x\", \"max_tokens\": 1}", TOKEN).statusCode());
    }

    @Test
    void aFullQueueIsAnsweredTooManyRequests() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            burst.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base + "completions"))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"prompt\": \"count\", \"max_tokens\": 24}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        int tooMany = 0;
        int ok = 0;
        for (CompletableFuture<HttpResponse<String>> f : burst) {
            int status = f.get().statusCode();
            tooMany += status == 429 ? 1 : 0;
            ok += status == 200 ? 1 : 0;
        }
        assertTrue(tooMany > 0 && ok >= 1 && ok + tooMany == 8, ok + " answered, " + tooMany + " refused");
        assertEquals(200, post("completions", "{\"prompt\": \"x\", \"max_tokens\": 1}", TOKEN).statusCode());
    }

    @Test
    void bindingBeyondLoopbackWithoutATokenIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ServeSettings("0.0.0.0", 8000, null, 4, "m"));
        assertEquals("binding to 0.0.0.0 beyond loopback needs a bearer token (--token or AHA_SERVE_TOKEN)",
                e.getMessage());
    }
}
