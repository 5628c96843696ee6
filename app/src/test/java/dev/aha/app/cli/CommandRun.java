package dev.aha.app.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * A command run in-process with what it printed: stdout, and stderr (the commands' progress and summaries on
 * System.err, picocli's error line on its own writer, both caught).
 */
record CommandRun(int code, String out, String err) {

    static CommandRun of(String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StringWriter picocliErr = new StringWriter();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            picocli.CommandLine cli = Aha.commandLine(); // after the redirection: nothing holds the real streams
            cli.setErr(new PrintWriter(picocliErr, true));
            code = cli.execute(args);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        return new CommandRun(code, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8) + picocliErr);
    }

    /** picocli's error line alone, when the command failed on bad input (the progress output left out). */
    String errorLines(String command) {
        return err.lines().filter(l -> l.startsWith("aha " + command + ":")).reduce((a, b) -> a + "\n" + b)
                .orElse("");
    }
}
