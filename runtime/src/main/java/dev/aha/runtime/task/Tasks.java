package dev.aha.runtime.task;

import java.util.List;

/** The built-in task names and their reference-answer conventions. */
public final class Tasks {

    public static final List<String> NAMES = List.of("arithmetic", "gsm8k", "jsonl", "humaneval", TinyCodeTask.NAME,
            ArithmeticToolTask.NAME, GuessNumberTask.NAME, Tasks.GSM8K_PYTHON);

    /** The tasks whose rollouts are multi-turn episodes (aha.agent). */
    public static final List<String> AGENT = List.of(ArithmeticToolTask.NAME, GuessNumberTask.NAME,
            Tasks.GSM8K_PYTHON);

    /** GSM8K whose episodes may run Python in the sandbox (a chat model's tool calls); answers as gsm8k's. */
    public static final String GSM8K_PYTHON = "gsm8k-python";

    /** The tasks whose accuracy is code run against tests in the sandbox. */
    public static final List<String> CODE = List.of("humaneval", TinyCodeTask.NAME);

    private Tasks() {}

    /**
     * The bare reference answer for a dataset's answer field under task {@code name}'s convention, without loading
     * the task's data (what {@code aha score} needs).
     */
    public static String referenceAnswer(String name, String datasetAnswer) {
        return switch (requireKnown(name)) {
            case "arithmetic", ArithmeticToolTask.NAME, GuessNumberTask.NAME -> datasetAnswer.trim();
            case "humaneval", TinyCodeTask.NAME -> datasetAnswer; // the test program, as it is
            default -> JsonlTask.gsm8kReference(datasetAnswer);
        };
    }

    /** Whether task {@code name}'s accuracy reward runs code ({@link #CODE}). */
    public static boolean isCode(String name) {
        return CODE.contains(name);
    }

    /** Whether task {@code name} rolls out multi-turn episodes ({@link #AGENT}). */
    public static boolean isAgent(String name) {
        return AGENT.contains(name);
    }

    public static String requireKnown(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown task '" + name + "'; known: " + String.join(", ", NAMES));
        }
        return name;
    }
}
