package dev.aha.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.app.cli.Aha;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** aha bench http-overhead refuses, in one line, runs too short to measure anything. */
class HttpOverheadBenchTest {

    private static String refused(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Aha.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(1, cli.execute(args), err.toString());
        return err.toString().strip();
    }

    @Test
    void aWarmUpAsLongAsTheRunIsRefused() {
        String line = refused("bench", "http-overhead", "--seconds", "5", "--warmup", "5");
        assertTrue(line.endsWith("need --seconds > --warmup and --repeats >= 1"), line);
    }

    /** Simulated groups take seconds at the defaults: one second holds no steps to measure. */
    @Test
    void aRunWithoutStepsToMeasureIsRefused(@TempDir Path dir) {
        String line = refused("bench", "http-overhead", "--seconds", "1", "--warmup", "0.5", "--repeats", "1",
                "--set", "aha.backend=simulated", "--out", dir.toString());
        assertTrue(line.contains("too few to measure; lengthen --seconds"), line);
        assertTrue(!line.contains("\n"), line);
    }
}
