package dev.aha.runtime.agent;

import java.util.Locale;

/** Why a tool call ended without a result: each is counted, and the policy sees one line saying which. */
public enum ToolError {
    /** The call's text is not a call in the format (malformed JSON, no name). */
    MALFORMED,
    /** No tool of that name (or tools are off). */
    UNKNOWN_TOOL,
    /** Past aha.agent.call-timeout: the call's thread was interrupted. */
    TIMEOUT,
    /** Its output passed aha.agent.max-output-chars: the policy sees the head only. */
    OVERSIZED,
    /** Its output holds a tool call of the format: never shown, so an observation cannot call tools. */
    CALL_IN_OUTPUT,
    /** The tool refused the call or threw. */
    FAILED,
    /** The environment pool's queue was full. */
    REFUSED;

    /** The name in metrics: {@code unknown_tool}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
