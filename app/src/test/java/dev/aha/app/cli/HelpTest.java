package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code aha --help} and {@code aha bench --help} list each command on one short line. */
class HelpTest {

    private static final int WIDTH = 100;

    private static String help(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = Aha.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.getSubcommands().values().forEach(c -> c.setOut(new PrintWriter(out, true)));
        cli.getSubcommands().get("bench").getSubcommands().values().forEach(c -> c.setOut(new PrintWriter(out, true)));
        assertEquals(0, cli.execute(args));
        return out.toString();
    }

    /** The lines of the "Commands:" section: each must start with a command's name. */
    private static void assertOneShortLineEach(String help, Set<String> names) {
        List<String> lines = help.lines().toList();
        int start = lines.indexOf("Commands:");
        assertTrue(start >= 0, help);
        List<String> listed = new ArrayList<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.isBlank()) {
                break;
            }
            assertTrue(line.length() <= WIDTH, "longer than " + WIDTH + ": " + line);
            String name = line.strip().split(" ")[0];
            assertTrue(line.startsWith("  ") && names.contains(name), "not a command's own line: '" + line + "'");
            assertTrue(line.strip().length() > name.length(), "no description: " + line);
            listed.add(name);
        }
        assertEquals(names, Set.copyOf(listed), help);
        assertEquals(names.size(), listed.size(), help);
    }

    @Test
    void ahaHelpListsEachCommandOnOneLine() {
        assertOneShortLineEach(help("--help"), Aha.commandLine().getSubcommands().keySet());
    }

    @Test
    void benchHelpListsEachBenchmarkOnOneLine() {
        assertOneShortLineEach(help("bench", "--help"),
                Aha.commandLine().getSubcommands().get("bench").getSubcommands().keySet());
    }

    @Test
    void aCommandsOwnHelpKeepsTheLongerText() {
        String join = help("join", "--help");
        assertTrue(join.contains("Use the same --config as the seed"), join);
        String distillVsRl = help("bench", "distill-vs-rl", "--help");
        assertTrue(distillVsRl.contains("About 40 minutes"), distillVsRl);
    }
}
