package dev.aha.runtime.agent;

/** A call a tool refuses, with the reason the policy is shown (bad arguments, a division by zero). */
public final class ToolException extends Exception {

    public ToolException(String message) {
        super(message);
    }
}
