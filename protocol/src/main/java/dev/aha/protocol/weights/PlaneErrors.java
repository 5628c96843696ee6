package dev.aha.protocol.weights;

import dev.aha.protocol.util.LogThrottle;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.ErrorHandler;
import org.slf4j.Logger;

/**
 * Where a weight-plane agent's failures go: logged (throttled) and counted, and the agent carries on with its next
 * duty cycle. A thread that died quietly would leave the rollouts parked on a version that never comes; one that
 * logs and counts shows the fault and keeps the plane moving.
 */
final class PlaneErrors implements ErrorHandler {

    private final Logger log;
    private final String agent;
    private final AtomicLong count = new AtomicLong();
    private final LogThrottle throttle = new LogThrottle(Duration.ofSeconds(1));

    PlaneErrors(Logger log, String agent) {
        this.log = log;
        this.agent = agent;
    }

    @Override
    public void onError(Throwable error) {
        onError(error, "duty cycle failed");
    }

    /** @param what what failed, for the log */
    void onError(Throwable error, String what) {
        long n = count.incrementAndGet();
        long unlogged = throttle.admit(System.nanoTime());
        if (unlogged >= 0) {
            log.error("{}: {} (error {}, {} not logged since the last); carrying on", agent, what, n, unlogged, error);
        }
    }

    long count() {
        return count.get();
    }
}
