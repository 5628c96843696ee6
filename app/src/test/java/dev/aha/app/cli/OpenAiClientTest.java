package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.UnauthorizedException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.aha.runtime.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code aha serve} driven by OpenAI's own Java client: its models, a chat, a tool call and its round trip, a streamed
 * chat, and a wrong token. A random model never writes a tool call, so the tiny Qwen3 is first overfitted by
 * {@code aha sft} on the one conversation the test then has: greedy, it calls the calculator and answers its result.
 */
class OpenAiClientTest {

    private static final String TOKEN = "s3cret";
    private static final String QUESTION = "What is 6*7?";
    /**
     * The trained call's reasoning is not empty and its arguments are compact JSON, so that the conversation the client
     * sends back renders as it was trained: Qwen3's template drops an empty think block from an earlier turn, and
     * the server's arguments come back compact.
     */
    private static final String REASONING = "<think>\\nUse the calculator.\\n</think>\\n\\n";

    @TempDir
    static Path dir;

    private static ServeCommand serve;
    private static Thread serving;
    private static String base;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        Path model = dir.resolve("q3-random");
        assertEquals(0, CliRun.of("init-model", "--architecture", "qwen3", "--hidden", "32", "--layers", "1",
                "--heads", "2", "--kv-heads", "1", "--intermediate", "64", "--tokenizer",
                TestData.tokenizer("qwen3").toString(), "--seed", "3", "--out", model.toString()).code());
        Path data = Files.writeString(dir.resolve("calls.jsonl"), "{\"messages\": [{\"role\": \"user\", \"content\": \""
                + QUESTION + "\"}, {\"role\": \"assistant\", \"content\": \"" + REASONING + "\", \"tool_calls\": [{\"type\": "
                + "\"function\", \"function\": {\"name\": \"calculator\", \"arguments\": \"{\\\"expression\\\":\\\"6*7\\\"}\"}}]},"
                + " {\"role\": \"tool\", \"content\": \"42\"}, {\"role\": \"assistant\", \"content\": \"42.\"}],"
                + " \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"calculator\","
                + " \"parameters\": {\"type\": \"object\"}}}]}\n");
        Path conf = Files.writeString(dir.resolve("sft.conf"), "aha.train.cold-start { batch-size = 1, "
                + "learning-rate = 1e-2 }\naha.policy.context-length = 512\n");
        Path trained = dir.resolve("q3");
        CliRun sft = CliRun.of("sft", "--model", model.toString(), "--data", data.toString(), "--steps", "60",
                "--out", trained.toString(), "--config", conf.toString());
        assertEquals(0, sft.code(), sft.err());
        serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--checkpoint", trained.toString(), "--served-name", "q3", "--port", "0",
                "--token", TOKEN);
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
        base = "http://127.0.0.1:" + serve.running.port() + "/v1";
        client = OpenAIOkHttpClient.builder().baseUrl(base).apiKey(TOKEN).maxRetries(0).build();
    }

    @AfterAll
    static void shutDown() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        serve.stop.countDown();
        serving.join(30_000);
    }

    private static ChatCompletionCreateParams.Builder question() {
        return ChatCompletionCreateParams.builder().model("q3").temperature(0.0).maxCompletionTokens(40)
                .addFunctionTool(FunctionDefinition.builder().name("calculator").parameters(FunctionParameters
                        .builder().putAdditionalProperty("type", JsonValue.from("object")).build()).build())
                .addUserMessage(QUESTION);
    }

    @Test
    void listsTheServedModel() {
        assertEquals(List.of("q3"), client.models().list().data().stream().map(m -> m.id()).toList());
    }

    @Test
    void answersAChatWithAnAssistantMessage() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("q3")
                .temperature(0.0).maxCompletionTokens(4).addUserMessage("Count to three.").build());
        assertEquals("q3", c.model());
        ChatCompletionMessage message = c.choices().get(0).message();
        assertTrue(message.content().isPresent() || message.toolCalls().isPresent(), message.toString());
        assertTrue(c.usage().orElseThrow().completionTokens() <= 4);
    }

    @Test
    void callsTheToolAndAnswersWithItsResult() {
        ChatCompletion call = client.chat().completions().create(question().build());
        ChatCompletion.Choice choice = call.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        ChatCompletionMessageFunctionToolCall tool = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertEquals("calculator", tool.function().name());
        assertTrue(tool.function().arguments().contains("6*7"), tool.function().arguments());

        ChatCompletion answer = client.chat().completions().create(question().addMessage(choice.message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(tool.id()).content("42").build())
                .build());
        ChatCompletion.Choice last = answer.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, last.finishReason());
        assertFalse(last.message().toolCalls().isPresent() && !last.message().toolCalls().get().isEmpty());
        String content = last.message().content().orElseThrow();
        assertTrue(content.endsWith("42."), "the tool's result answered: " + content);
    }

    @Test
    void streamsTheToolCallAsTheUnstreamedAnswerHasIt() {
        ChatCompletion whole = client.chat().completions().create(question().build());
        ChatCompletionMessageFunctionToolCall expected = whole.choices().get(0).message().toolCalls().orElseThrow()
                .get(0).asFunction();
        StringBuilder content = new StringBuilder();
        StringBuilder arguments = new StringBuilder();
        List<String> names = new ArrayList<>();
        String finish = null;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(question().build())) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                for (ChatCompletionChunk.Choice c : chunk.choices()) {
                    c.delta().content().ifPresent(content::append);
                    for (ChatCompletionChunk.Choice.Delta.ToolCall call : c.delta().toolCalls().orElse(List.of())) {
                        call.function().flatMap(f -> f.name()).ifPresent(names::add);
                        call.function().flatMap(f -> f.arguments()).ifPresent(arguments::append);
                    }
                    if (c.finishReason().isPresent()) {
                        finish = c.finishReason().get().asString();
                    }
                }
            }
        }
        assertEquals(List.of("calculator"), names);
        assertEquals(expected.function().arguments(), arguments.toString());
        assertEquals("tool_calls", finish);
        assertEquals(whole.choices().get(0).message().content().orElse("").strip(), content.toString().strip());
    }

    @Test
    void aWrongTokenIsTheClientsUnauthorizedException() {
        OpenAIClient wrong = OpenAIOkHttpClient.builder().baseUrl(base).apiKey("wrong").maxRetries(0).build();
        try {
            UnauthorizedException e = assertThrows(UnauthorizedException.class, () -> wrong.models().list());
            assertEquals(401, e.statusCode());
        } finally {
            wrong.close();
        }
    }
}
