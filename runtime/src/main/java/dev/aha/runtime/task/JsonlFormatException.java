package dev.aha.runtime.task;

import java.nio.file.Path;

/** A JSON Lines line that cannot be used, with where it is and what is wrong with it. */
public final class JsonlFormatException extends RuntimeException {

    private final transient Path path;
    private final int lineNumber;
    private final String problem;

    public JsonlFormatException(Path path, int lineNumber, String problem) {
        super(path + ":" + lineNumber + ": " + problem);
        this.path = path;
        this.lineNumber = lineNumber;
        this.problem = problem;
    }

    public Path path() {
        return path;
    }

    /** 1-based. */
    public int lineNumber() {
        return lineNumber;
    }

    public String problem() {
        return problem;
    }
}
