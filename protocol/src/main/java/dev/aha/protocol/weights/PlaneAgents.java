package dev.aha.protocol.weights;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;

/** Starts and stops the plane's agents (the sender, the receivers) the same way on both ends. */
final class PlaneAgents {

    private static final int CLOSE_WAIT_MS = 5_000;

    private PlaneAgents() {}

    /** Runs {@code agent} on a daemon thread of its own: a plane left open must not keep the JVM alive. */
    static AgentRunner start(Agent agent, IdleStrategy idle, ErrorHandler errors) {
        AgentRunner runner = new AgentRunner(idle, errors, null, agent);
        AgentRunner.startOnThread(runner, work -> {
            Thread thread = new Thread(work);
            thread.setDaemon(true);
            return thread;
        });
        return runner;
    }

    /**
     * Stops the agent, waiting for its duty cycle to end. A cycle stuck longer (a listener that never returns) is
     * interrupted and left to end on its own, so that closing the plane is bounded.
     */
    static void stop(AgentRunner runner, Logger log) {
        try {
            runner.close(CLOSE_WAIT_MS, thread -> {
                throw new StillRunning(thread);
            });
        } catch (StillRunning e) {
            log.error("{} did not stop within {} ms; interrupted and left to end", e.thread.getName(), CLOSE_WAIT_MS);
            e.thread.interrupt();
        }
    }

    private static final class StillRunning extends RuntimeException {
        private final transient Thread thread;

        StillRunning(Thread thread) {
            super(null, null, false, false);
            this.thread = thread;
        }
    }
}
