package dev.aha.runtime.sft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.agent.CalculatorTool;
import dev.aha.runtime.agent.ChatTurnFormat;
import dev.aha.runtime.chat.ChatTemplate;
import dev.aha.runtime.chat.Conversation;
import dev.aha.runtime.task.ArithmeticSettings;
import dev.aha.runtime.task.ArithmeticToolTask;
import dev.aha.runtime.task.GuessNumberTask;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.task.TaskPrompt;
import dev.aha.runtime.tokenizer.BundledTokenizers;
import dev.aha.runtime.tokenizer.CharTokenizer;
import dev.aha.runtime.tokenizer.HfTokenizer;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A multi-turn trace as SFT trains on it: the ids an episode would make (the policy's turns, the observations as the
 * model's format renders them), with only the assistant's turns as targets.
 */
class ConversationExamplesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CharTokenizer CHARS = new CharTokenizer();
    private static final PromptTemplate COMPACT = PromptTemplate.of("User: {question} Assistant: ");
    private static HfTokenizer qwen;
    private static ChatTemplate chat;

    @BeforeAll
    static void load() throws Exception {
        Path dir = BundledTokenizers.qwen3();
        qwen = HfTokenizer.load(dir);
        chat = ChatTemplate.fromTokenizerConfig(dir.resolve("tokenizer_config.json"));
    }

    @AfterAll
    static void close() {
        qwen.close();
    }

    /** The text of the completion's tokens whose flag is {@code trained}, runs joined by '|'. */
    private static String runs(SftExample e, boolean trained, Tokenizer t) {
        StringBuilder s = new StringBuilder();
        int j = 0;
        while (j < e.completion().length) {
            int from = j;
            while (j < e.completion().length && e.trains(j) == e.trains(from)) {
                j++;
            }
            if (e.trains(from) == trained) {
                s.append(s.length() == 0 ? "" : "|").append(t.decode(Arrays.copyOfRange(e.completion(), from, j)));
            }
        }
        return s.toString();
    }

    @Test
    void theCalculatorsResultIsContextNotATarget() {
        PromptStream stream = new ArithmeticToolTask(ArithmeticSettings.defaults(), true).trainStream(1);
        for (int k = 0; k < 20; k++) {
            calculatorResultsAreMasked(stream.next());
        }
    }

    private static void calculatorResultsAreMasked(TaskPrompt p) {
        SftExample e = SftLoop.example(CHARS, COMPACT, p);
        int[] flat = CHARS.encode(p.solution());
        assertArrayEquals(IntStream.concat(IntStream.of(flat), IntStream.of(CharTokenizer.END)).toArray(),
                e.completion(), "the same ids as the whole worked solution");
        assertArrayEquals(CHARS.encode(COMPACT.render(p.question())), e.prompt());
        java.util.List<String> observations = new java.util.ArrayList<>();
        String trained = p.solution();
        for (int i = 0; i < p.trace().messages().size(); i++) {
            if (p.trace().role(i).equals("tool")) {
                observations.add("=" + p.trace().content(i));
                trained = trained.replaceFirst(java.util.regex.Pattern.quote("=" + p.trace().content(i)), "|");
            }
        }
        assertEquals(String.join("|", observations), runs(e, false, CHARS));
        assertEquals(trained, runs(e, true, CHARS));
        assertEquals(CharTokenizer.END, e.completion()[e.completion().length - 1]);
        assertTrue(e.trains(e.completion().length - 1), "the end token is the policy's");
    }

    @Test
    void eachOfTheGamesAnswersIsMasked() {
        TaskPrompt p = new GuessNumberTask().trainStream(3).next();
        SftExample e = SftLoop.example(CHARS, COMPACT, p);
        String masked = runs(e, false, CHARS);
        assertTrue(masked.matches("(=(lo|hi|yes)\\|)*=(lo|hi|yes)"), masked);
        assertFalse(runs(e, true, CHARS).contains("="), "no answer of the game is a target");
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }

    /** TrajectoryTemplateTest's episode as a conversation: the same ids the template gives the whole of it. */
    @Test
    void aQwenConversationIsTheEpisodesIds() {
        String turn1 = "<think>\nI will use the calculator.\n</think>\n\n<tool_call>\n"
                + "{\"name\": \"calculator\", \"arguments\": {\"expression\": \"123*456\"}}\n</tool_call>";
        String turn2 = "<think>\nThe tool says 56088.\n</think>\n\nThe answer is 56088.";
        List<Object> tools = List.of(new CalculatorTool().schema());
        List<Map<String, Object>> messages = List.of(message("user", "What is 123*456?"),
                message("assistant", turn1), message("tool", "56088"), message("assistant", turn2));
        SftExample e = new ConversationExamples(PromptTemplate.of("{question}").inChat(chat, Map.of()), qwen)
                .example(new Conversation(messages, tools));
        int[] whole = qwen.encode(chat.render(messages, false, Map.of("tools", tools)));
        int[] ours = IntStream.concat(IntStream.concat(IntStream.of(e.prompt()), IntStream.of(e.completion())),
                IntStream.of(qwen.encode("\n"))).toArray();
        assertArrayEquals(whole, ours);
        int close = qwen.encode(ChatTurnFormat.CALL_CLOSE)[0];
        int at = IntStream.range(0, e.completion().length).filter(j -> e.completion()[j] == close).findFirst()
                .orElseThrow();
        for (int j = 0; j < e.completion().length; j++) {
            boolean observation = j > at && j < e.completion().length - qwen.encode(turn2).length - 1;
            assertEquals(!observation, e.trains(j), "token " + j);
        }
    }

    @Test
    void trlToolCallsAreRenderedByTheTemplateAndTrained() throws Exception {
        JsonNode row = JSON.readTree("""
                {"messages": [{"role": "system", "content": "Be brief."},
                  {"role": "user", "content": "What is 6*7?"},
                  {"role": "assistant", "content": null, "tool_calls": [{"type": "function",
                    "function": {"name": "calculator", "arguments": {"expression": "6*7"}}}]},
                  {"role": "tool", "content": "42"},
                  {"role": "assistant", "content": "42."},
                  {"role": "user", "content": "Thanks!"}],
                 "tools": [{"type": "function", "function": {"name": "calculator", "parameters": {}}}]}""");
        Conversation c = Conversation.fromJson(row.get("messages"), row.get("tools"));
        SftExample e = new ConversationExamples(PromptTemplate.of("{question}")
                .inChat(chat, Map.of("enable_thinking", false)), qwen).example(c);
        String trained = runs(e, true, qwen);
        assertTrue(trained.startsWith("<tool_call>\n{\"name\": \"calculator\""), trained);
        assertTrue(trained.endsWith("</tool_call>|42."), "the turn's end token is trained too: " + trained);
        assertEquals(qwen.endId(), e.completion()[e.completion().length - 1]);
        assertTrue(runs(e, false, qwen).contains("<tool_response>\n42\n</tool_response>"));
        assertFalse(qwen.decode(e.completion()).contains("Thanks"), "what follows the last turn trains nothing");
    }

    @Test
    void tracesAnEpisodeCouldNotMakeAreRefused() {
        ConversationExamples compact = new ConversationExamples(COMPACT, CHARS);
        assertEquals("message 3: between two assistant turns stands one tool or user message (an episode makes one "
                + "call per turn)", refusal(compact, Conversation.of("user", "q", "assistant", "[calculator 1+1]",
                        "tool", "2", "tool", "2", "assistant", "2")));
        assertEquals("message 1 is answered by a tool but makes no tool call",
                refusal(compact, Conversation.of("user", "q", "assistant", "no call", "tool", "2", "assistant", "2")));
        assertEquals("without a chat template a conversation opens with one user message, rendered through the "
                + "prompt template", refusal(compact, Conversation.of("system", "s", "user", "q", "assistant", "a")));
        assertEquals("a conversation needs a message before its first assistant turn",
                refusal(compact, Conversation.of("assistant", "a")));
        Map<String, Object> call = new LinkedHashMap<>(message("assistant", ""));
        call.put("tool_calls", List.of(Map.of("function", Map.of("name", "calculator"))));
        assertEquals("message 1: without a chat template a call is written in the content, [name input], not as "
                + "tool_calls", refusal(compact, new Conversation(List.of(message("user", "q"), call), null)));
        Map<String, Object> two = new LinkedHashMap<>(message("assistant", ""));
        Map<String, Object> fn = Map.of("type", "function", "function", Map.of("name", "calculator",
                "arguments", Map.of("expression", "1")));
        two.put("tool_calls", List.of(fn, fn));
        assertEquals("message 1 makes more than one tool call (an episode makes one per turn)",
                refusal(new ConversationExamples(PromptTemplate.of("{question}").inChat(chat, Map.of()), qwen),
                        new Conversation(List.of(message("user", "q"), two, message("tool", "1"),
                                message("assistant", "1")), null)));
        ChatTemplate marksTheLast = ChatTemplate.of("{% for m in messages %}{{ m.role }}: {{ m.content }}"
                + "{% if loop.last %}.{% endif %}\n{% endfor %}{% if add_generation_prompt %}assistant: {% endif %}",
                Map.of());
        assertEquals("message 1: the chat template renders the conversation before this assistant turn differently "
                + "once the turn follows", refusal(new ConversationExamples(PromptTemplate.of("{question}")
                        .inChat(marksTheLast, Map.of()), CHARS), Conversation.of("user", "q", "assistant", "a")));
        assertEquals("a conversation needs an assistant message to train on", assertThrows(
                IllegalArgumentException.class, () -> Conversation.of("user", "q")).getMessage());
        assertEquals("message 0: role must be system, user, assistant or tool, was robot", assertThrows(
                IllegalArgumentException.class, () -> Conversation.of("robot", "q", "assistant", "a")).getMessage());
    }

    private static String refusal(ConversationExamples examples, Conversation c) {
        return assertThrows(IllegalArgumentException.class, () -> examples.example(c)).getMessage();
    }
}
