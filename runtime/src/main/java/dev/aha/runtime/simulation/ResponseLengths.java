package dev.aha.runtime.simulation;

import java.util.Random;

/**
 * Completion lengths drawn from a log-normal distribution cut at the sampling cap: most responses are near the
 * median, a few run several times longer (the long tail of reasoning traces that makes a synchronous step wait for
 * its slowest group).
 */
public final class ResponseLengths {

    private final double mu;
    private final double sigma;
    private final int max;

    public ResponseLengths(int median, double sigma, int max) {
        this.mu = Math.log(median);
        this.sigma = sigma;
        this.max = max;
    }

    public int next(Random rng) {
        double length = Math.exp(mu + sigma * rng.nextGaussian());
        return (int) Math.max(1, Math.min(max, Math.round(length)));
    }
}
