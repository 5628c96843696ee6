package dev.aha.actors.pipeline;

import dev.aha.protocol.weights.SnapshotKind;
import dev.aha.protocol.weights.WeightSnapshot;
import dev.aha.runtime.backend.RolloutEngine;
import java.util.function.Consumer;

/**
 * The weights a rollout has received and not yet applied: the newest version (a whole policy, or under LoRA a
 * version's adapters; an older one still waiting is replaced, never applied), and apart from it a LoRA base. A base
 * swaps the whole model, so it waits for the engine to drain, goes in before any adapters, and leaves the replica
 * at no version until adapters come; adapters wait for a base. Whatever the engine refuses (adapters of another base
 * or layout, a kind it does not take) is dropped with one line saying why.
 */
final class PendingWeights {

    private WeightSnapshot base;
    private WeightSnapshot next;
    private long nextReceivedMicros;
    private long appliedReceivedMicros;

    /** Keeps {@code s} if it is a base, or a version newer than what waits and than {@code held}, the one sampled. */
    void offer(WeightSnapshot s, long receivedMicros, long held) {
        if (s.kind() == SnapshotKind.LORA_BASE) {
            base = s;
            return;
        }
        long newest = next != null ? next.version() : held;
        if (s.version() > newest) {
            next = s;
            nextReceivedMicros = receivedMicros;
        }
    }

    /**
     * Whether admitting work must wait for the engine to drain first: for a base, or for a version without in-flight
     * updates.
     */
    boolean holdsAdmission(boolean inFlightUpdates) {
        return base != null || next != null && !inFlightUpdates;
    }

    /**
     * Applies what may be applied now: a base once the engine is idle, then a version between steps (with in-flight
     * updates) or once idle, unless it waits for a base.
     *
     * @param held the version the engine samples at now (-1: none)
     * @param refusals told, in one line each, of what the engine refused
     * @return the version the engine samples at now: {@code held} when nothing changed, -1 after a new base alone
     */
    long apply(RolloutEngine engine, boolean inFlightUpdates, long held, Consumer<String> refusals) {
        long now = held;
        if (base != null && engine.idle()) {
            String refusal = engine.refusal(base.label());
            if (refusal == null) {
                engine.loadBase(base.weights(), base.label().baseSha256());
                now = -1; // the base alone is no version of the policy
            } else {
                refusals.accept(what(base) + refusal);
            }
            base = null;
        }
        if (next == null || base != null || !(inFlightUpdates || engine.idle())
                || next.kind() == SnapshotKind.LORA_ADAPTERS && engine.awaitsBase()) {
            return now;
        }
        String refusal = engine.refusal(next.label());
        if (refusal != null) {
            refusals.accept(what(next) + refusal);
        } else if (next.kind() == SnapshotKind.LORA_ADAPTERS) {
            engine.loadAdapters(next.weights(), next.version());
            now = next.version();
        } else {
            engine.loadWeights(next.weights(), next.version());
            now = next.version();
        }
        appliedReceivedMicros = nextReceivedMicros;
        next = null;
        return now;
    }

    /** When the version last applied arrived. */
    long appliedReceivedMicros() {
        return appliedReceivedMicros;
    }

    private static String what(WeightSnapshot s) {
        return "refusing " + s.kind().description() + " of version " + s.version() + ": ";
    }
}
