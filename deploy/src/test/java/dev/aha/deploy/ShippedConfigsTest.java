package dev.aha.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aha.app.cli.Aha;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every role profile in deploy/conf passes the checks its node makes at start-up (aha config check). */
class ShippedConfigsTest {

    @ParameterizedTest
    @CsvSource({"seed.conf, 'learner,dispatcher'", "rollout.conf, rollout", "reward.conf, reward"})
    void everyRoleProfileIsValid(String file, String roles) {
        Path conf = Path.of("conf").resolve(file);
        assertEquals(0, check(conf, roles), "aha config check " + conf + " --roles " + roles);
    }

    /** Runs {@code aha config check FILE --roles ROLES [MORE]} in-process; its error line, if any, goes to stderr. */
    static int check(Path file, String roles, String... more) {
        Outcome o = checkOutcome(file, roles, more);
        if (o.code() != 0) {
            System.err.println(o.err());
        }
        return o.code();
    }

    /** What {@code aha config check} ended with: its exit code and its error line. */
    record Outcome(int code, String err) {}

    static Outcome checkOutcome(Path file, String roles, String... more) {
        StringWriter err = new StringWriter();
        PrintStream stdout = System.out;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            var cli = Aha.commandLine();
            cli.setErr(new PrintWriter(err, true));
            List<String> line = new ArrayList<>(List.of("config", "check", file.toString(), "--roles", roles));
            line.addAll(List.of(more));
            int code = cli.execute(line.toArray(String[]::new));
            return new Outcome(code, err.toString());
        } finally {
            System.setOut(stdout);
        }
    }
}
