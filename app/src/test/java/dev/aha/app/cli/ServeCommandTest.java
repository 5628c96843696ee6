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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code aha serve} on a tiny random Qwen3 with the real Qwen3 tokenizer and chat template, driven over HTTP by the
 * JDK's client: the OpenAI shapes, a tool-call round trip in the conversation, streamed answers as server-sent events,
 * and each refusal (400, 401, 429) while the server keeps serving.
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

    /** The events of a streamed answer, its data lines in order. */
    private static List<String> events(String path, String body) throws Exception {
        HttpResponse<java.util.stream.Stream<String>> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream", r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        return r.body().filter(line -> !line.isEmpty()).toList();
    }

    @Test
    void streamsAChatAsServerSentEventsWithTheSameTextAsWithoutStreaming() throws Exception {
        String body = "{\"max_tokens\": 8, \"temperature\": 0, \"messages\": [{\"role\": \"user\", "
                + "\"content\": \"Count to three.\"}]";
        JsonNode whole = JSON.readTree(post("chat/completions", body + "}", TOKEN).body());
        List<String> events = events("chat/completions", body + ", \"stream\": true}");
        assertEquals("data: [DONE]", events.get(events.size() - 1));
        StringBuilder text = new StringBuilder();
        String id = null;
        String finish = null;
        for (String e : events.subList(0, events.size() - 1)) {
            assertTrue(e.startsWith("data: "), e);
            JsonNode chunk = JSON.readTree(e.substring(6));
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
            id = id == null ? chunk.path("id").asText() : id;
            assertEquals(id, chunk.path("id").asText(), "one id for the whole stream");
            text.append(chunk.at("/choices/0/delta/content").asText(""));
            finish = chunk.at("/choices/0/finish_reason").isTextual() ? chunk.at("/choices/0/finish_reason").asText()
                    : finish;
        }
        assertEquals("assistant", JSON.readTree(events.get(0).substring(6)).at("/choices/0/delta/role").asText());
        JsonNode choice = whole.path("choices").get(0);
        if (!choice.path("message").has("tool_calls")) {
            assertEquals(choice.at("/message/content").asText(), text.toString().strip());
        }
        assertEquals(choice.path("finish_reason").asText(), finish);
    }

    @Test
    void streamsACompletionWithItsUsageWhenAsked() throws Exception {
        List<String> events = events("completions", "{\"prompt\": \"2+3=\", \"max_tokens\": 3, \"stream\": true, "
                + "\"stream_options\": {\"include_usage\": true}}");
        JsonNode usage = JSON.readTree(events.get(events.size() - 2).substring(6));
        assertTrue(usage.at("/usage/completion_tokens").asInt() <= 3, usage.toString());
        assertEquals("text_completion", usage.path("object").asText());
        HttpResponse<String> bad = post("completions", "{\"prompt\": \"x\", \"stream\": \"yes\"}", TOKEN);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("'stream' must be true or false"), bad.body());
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

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aFullQueueIsAnsweredTooManyRequests(boolean stream) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            burst.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base + "completions"))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"prompt\": \"count\", \"max_tokens\": 24, \"stream\": " + stream + "}")).build(),
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
