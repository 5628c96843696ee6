package dev.aha.runtime.sandbox;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** How many code runs ended each way; thread-safe (reward threads add, a summary reads). */
public final class OutcomeCounts {

    private final Map<Outcome, LongAdder> counts = new EnumMap<>(Outcome.class);

    public OutcomeCounts() {
        for (Outcome o : Outcome.values()) {
            counts.put(o, new LongAdder());
        }
    }

    public void add(Outcome outcome) {
        counts.get(outcome).increment();
    }

    /** Label to count, every outcome present, in the enum's order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.forEach((o, n) -> out.put(o.label(), n.sum()));
        return out;
    }
}
