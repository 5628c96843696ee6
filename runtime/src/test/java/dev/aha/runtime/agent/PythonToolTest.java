package dev.aha.runtime.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.sandbox.SandboxFixtures;
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

    @Test
    void shouldRefuseACallWithoutCode() {
        assertThrows(ToolException.class, () -> new PythonTool(SandboxFixtures.sandbox())
                .call(JSON.createObjectNode().put("program", "print(1)")));
    }
}
