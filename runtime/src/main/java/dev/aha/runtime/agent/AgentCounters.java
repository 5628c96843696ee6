package dev.aha.runtime.agent;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** Running totals of a node's episodes, for its logs and metrics: tool calls, their errors by kind, and time. */
public final class AgentCounters {

    private final AtomicLong toolCalls = new AtomicLong();
    private final AtomicLongArray errors = new AtomicLongArray(ToolError.values().length);
    private final AtomicLong toolNanos = new AtomicLong();
    private final AtomicLong environmentErrors = new AtomicLong();

    void call(long nanos, ToolError error) {
        toolCalls.incrementAndGet();
        toolNanos.addAndGet(nanos);
        if (error != null) {
            errors.incrementAndGet(error.ordinal());
        }
    }

    void environmentError() {
        environmentErrors.incrementAndGet();
    }

    public long toolCalls() {
        return toolCalls.get();
    }

    public long toolErrors(ToolError kind) {
        return errors.get(kind.ordinal());
    }

    public long toolErrors() {
        long n = 0;
        for (int i = 0; i < errors.length(); i++) {
            n += errors.get(i);
        }
        return n;
    }

    public long toolNanos() {
        return toolNanos.get();
    }

    /** Environment replies that threw, timed out or were refused (each ended its episode). */
    public long environmentErrors() {
        return environmentErrors.get();
    }

    /** Errors by kind, for a log line. */
    public Map<ToolError, Long> errorsByKind() {
        Map<ToolError, Long> out = new EnumMap<>(ToolError.class);
        for (ToolError e : ToolError.values()) {
            out.put(e, errors.get(e.ordinal()));
        }
        return out;
    }
}
