package dev.aha.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aha.runtime.sandbox.Outcome;
import dev.aha.runtime.sandbox.Sandbox;
import dev.aha.runtime.sandbox.SandboxResult;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code python}: runs the policy's code in the code sandbox (bubblewrap: no network, read-only system, private
 * scratch, aha.sandbox's time, memory, process and output limits) and returns what it printed. Every call is a fresh
 * interpreter in a fresh sandbox: no state persists between the calls of one episode (define what you need in each).
 */
public final class PythonTool implements Tool {

    public static final String NAME = "python";

    /** The sandbox runner's own report, not the program's output. */
    private static final Pattern RUNNER_LINE = Pattern.compile("(?m)^AHA-RESULT [0-9a-f]{32} .*$");

    private final Sandbox sandbox;

    public PythonTool(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Runs a Python 3 program in a fresh sandbox and returns its printed output.";
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("type", "object", "properties", Map.of("code", Map.of("type", "string",
                "description", "the program; print what you want to see")), "required", List.of("code"));
    }

    @Override
    public String primaryArgument() {
        return "code";
    }

    @Override
    public String call(JsonNode arguments) throws ToolException {
        JsonNode code = arguments.path("code");
        if (!code.isTextual()) {
            throw new ToolException("python needs a string argument 'code'");
        }
        SandboxResult result = sandbox.run(code.asText(), "");
        String output = RUNNER_LINE.matcher(result.output()).replaceAll("").strip();
        return switch (result.outcome()) {
            case PASSED, FAILED -> output;
            default -> output + (output.isEmpty() ? "" : "\n") + "(" + label(result.outcome()) + ")";
        };
    }

    private static String label(Outcome outcome) {
        return outcome.label().replace('_', ' ');
    }
}
