package dev.aha.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

    @Test
    void aSimulatedRunEndsWithItsFiguresNotAnError(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sim");
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Aha.commandLine().execute("train", "--backend", "simulated", "--minutes", "0.05", "--out",
                    out.toString());
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        String log = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, log);
        assertTrue(log.contains("nothing evaluated (simulated backend)"), log);
        assertFalse(log.contains("NullPointerException"), log);
        assertTrue(Files.exists(out.resolve("summary.json")));
    }
}
