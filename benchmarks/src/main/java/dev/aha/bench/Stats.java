package dev.aha.bench;

import java.util.Arrays;

/** Medians and minima of repeated measurements. */
final class Stats {

    private Stats() {}

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    static double max(double[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }

    static double gbps(long bytes, long nanos) {
        return bytes / (double) nanos; // bytes per ns = GB/s
    }
}
