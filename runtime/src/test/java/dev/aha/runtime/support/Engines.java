package dev.aha.runtime.support;

import ai.djl.ndarray.NDManager;

/** Test helpers around the real DJL engine. */
public final class Engines {

    private Engines() {}

    /** Arrays reachable from {@code manager}, sub-managers included. */
    public static int liveArrays(NDManager manager) {
        return manager.getManagedArrays().size();
    }

    /** Resident set size of this process in bytes, from /proc (Linux). */
    public static long residentBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
