package dev.aha.runtime.sandbox;

import java.util.Locale;

/** How one sandboxed run of model-written code ended; exactly one per completion. */
public enum Outcome {
    /** Every test ran and passed. */
    PASSED,
    /** The program ran but a test failed, it raised, it exited before its tests ran, or there was no code. */
    FAILED,
    /** The program does not compile. */
    SYNTAX_ERROR,
    /** Past the CPU-time limit (SIGXCPU) or the wall-time limit (the sandbox was killed). */
    TIMEOUT,
    /** Past the address-space limit (Python's MemoryError). */
    MEMORY,
    /** Ended by a signal (including the file-size limit and the program's own kills) or past the output limit. */
    KILLED;

    /** The name in output files and metrics: {@code passed}, {@code syntax_error}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
