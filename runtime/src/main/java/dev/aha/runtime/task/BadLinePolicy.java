package dev.aha.runtime.task;

/** What a JSON Lines reader does with a line it cannot use. */
public enum BadLinePolicy {
    /** Throw {@link JsonlFormatException} at the first bad line. */
    STOP,
    /** Skip it, count it, and keep the first few problems for a warning. */
    SKIP
}
