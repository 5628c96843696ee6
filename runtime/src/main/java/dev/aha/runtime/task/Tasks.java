package dev.aha.runtime.task;

import java.util.List;

/** The built-in task names and their reference-answer conventions. */
public final class Tasks {

    public static final List<String> NAMES = List.of("arithmetic", "gsm8k", "jsonl");

    private Tasks() {}

    /**
     * The bare reference answer for a dataset's answer field under task {@code name}'s convention, without loading
     * the task's data (what {@code aha score} needs).
     */
    public static String referenceAnswer(String name, String datasetAnswer) {
        return switch (requireKnown(name)) {
            case "arithmetic" -> datasetAnswer.trim();
            default -> JsonlTask.gsm8kReference(datasetAnswer);
        };
    }

    public static String requireKnown(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown task '" + name + "'; known: " + String.join(", ", NAMES));
        }
        return name;
    }
}
