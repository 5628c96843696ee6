package dev.aha.runtime.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.chat.ChatTemplate;
import dev.aha.runtime.rollout.TurnPartner.TurnReply;
import dev.aha.runtime.sandbox.SandboxFixtures;
import dev.aha.runtime.task.Tasks;
import dev.aha.runtime.tokenizer.BundledTokenizers;
import dev.aha.runtime.tokenizer.HfTokenizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The python tool in the real bubblewrap sandbox. */
class PythonToolTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String run(String code) throws Exception {
        return new PythonTool(SandboxFixtures.sandbox()).call(JSON.createObjectNode().put("code", code));
    }

    @Test
    void shouldReturnWhatTheProgramPrinted() throws Exception {
        assertEquals("1267650600228229401496703205376", run("print(2**100)"));
    }

    @Test
    void shouldSayHowARunEndedBadly() throws Exception {
        assertTrue(run("raise ValueError('nope')").contains("ValueError: nope"));
        assertTrue(run("while True: pass").endsWith("(timeout)"));
    }

    @Test
    void shouldKeepNoStateBetweenCalls() throws Exception {
        run("x = 41");
        assertTrue(run("print(x)").contains("NameError"));
    }

    /** The plumbing of gsm8k-python: a Qwen3 turn's tool call runs in the sandbox and comes back framed. */
    @Test
    void aChatModelsCallRunsInTheSandboxAndItsOutputIsTheToolResponse() throws Exception {
        Path dir = BundledTokenizers.qwen3();
        try (HfTokenizer qwen = HfTokenizer.load(dir);
                EnvironmentPool pool = new EnvironmentPool(1, 4)) {
            ChatTurnFormat format = new ChatTurnFormat(ChatTemplate.fromTokenizerConfig(
                    dir.resolve("tokenizer_config.json")), Map.of(), qwen);
            Episodes episodes = new Episodes(AgentTasks.environment(Tasks.GSM8K_PYTHON,
                    SandboxFixtures.sandbox()), format, new AgentSettings(true, 4, 4000,
                    Duration.ofSeconds(10), 2000, 1, 4), pool);
            int[] turn = qwen.encode("<tool_call>\n{\"name\": \"python\", \"arguments\": {\"code\": "
                    + "\"print(48 * 3 // 2)\"}}\n</tool_call>");
            TurnReply reply = episodes.open("q", "p", "72", 1).get(0).reply(turn, false, turn.length).get();
            assertTrue(qwen.decode(reply.observation()).contains("<tool_response>\n72\n</tool_response>"),
                    qwen.decode(reply.observation()));
        }
    }

    @Test
    void shouldRefuseACallWithoutCode() {
        assertThrows(ToolException.class, () -> new PythonTool(SandboxFixtures.sandbox())
                .call(JSON.createObjectNode().put("program", "print(1)")));
    }
}
