package dev.aha.runtime.sandbox;

import java.util.HashMap;
import java.util.Map;

/**
 * One started {@link Sandbox} per settings per JVM: training, its evaluations and the reward actors of a node share
 * it, so the start-up check runs once and a missing tool stops the run at start. A sandbox holds one daemon thread
 * and no child processes between runs, so it is never closed.
 */
public final class SharedSandboxes {

    private static final Map<SandboxSettings, Sandbox> STARTED = new HashMap<>();
    private static final Map<SandboxSettings, CodeRunPool> EVALUATION_POOLS = new HashMap<>();

    private SharedSandboxes() {}

    /** The started sandbox for {@code settings}; the first call starts it (and may refuse, see {@link Sandbox#start}). */
    public static synchronized Sandbox of(SandboxSettings settings) {
        Sandbox sandbox = STARTED.get(settings);
        if (sandbox == null) {
            sandbox = Sandbox.start(settings);
            STARTED.put(settings, sandbox);
        }
        return sandbox;
    }

    /**
     * The pool evaluations judge code on (max-concurrent daemon threads, the settings' queue), one per settings per
     * JVM: an evaluation runs on the learner's thread, which waits while its samples run side by side.
     */
    public static synchronized CodeRunPool evaluationPool(SandboxSettings settings) {
        return EVALUATION_POOLS.computeIfAbsent(settings, CodeRunPool::of);
    }
}
