package dev.aha.runtime.simulation;

import java.util.concurrent.locks.LockSupport;

/** Spends modelled device time as wall time without using a CPU: the thread parks until the deadline. */
final class ModelledTime {

    private ModelledTime() {}

    static void spend(long nanos) {
        long deadline = System.nanoTime() + nanos;
        long left = nanos;
        while (left > 0) {
            LockSupport.parkNanos(left); // may return early (spurious wake-ups): park again for the rest
            left = deadline - System.nanoTime();
        }
    }
}
