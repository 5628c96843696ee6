package dev.aha.app.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * An {@code aha} command run in-process: its exit code, stdout (trimmed) and picocli's error stream. Only stdout is
 * redirected: with System.err redirected too, picocli's error handler wrote past the captured writer, so what the
 * commands print on System.err (progress, summaries) is not captured.
 */
record CliRun(int code, String out, String err) {

    static CliRun of(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Aha.commandLine();
        cli.setErr(new PrintWriter(err));
        cli.getSubcommands().values().forEach(c -> c.setErr(new PrintWriter(err)));
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = cli.execute(args);
            return new CliRun(code, out.toString(StandardCharsets.UTF_8).trim(), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }
}
