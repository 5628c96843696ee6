package dev.aha.runtime.sandbox;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code aha.sandbox}: where the sandbox's tools are and the limits of one run of model-written code (see
 * reference.conf for each key). Checked once, here: a limit that is not positive, a wall time shorter than the CPU
 * time (a busy loop would then always be a wall-time kill), or a relative tool path is refused, naming the key.
 *
 * @param bubblewrap the bwrap executable
 * @param python the interpreter inside the sandbox (the system's, bound read-only)
 * @param setpriv util-linux's setpriv, used to drop root before bwrap starts (see {@link SandboxCommand})
 * @param runAsUid the uid runs get when the JVM is root
 * @param runAsGid the gid runs get when the JVM is root
 * @param cpuTime CPU time of each process of a run (RLIMIT_CPU; whole seconds, rounded up)
 * @param wallTime wall time of a run, start to last byte of output; then the whole sandbox is killed
 * @param memoryBytes address space of each process (RLIMIT_AS)
 * @param maxProcesses processes and threads of the sandbox's user, the first included (RLIMIT_NPROC)
 * @param maxOutputBytes stdout and stderr together; one byte more and the run is killed
 * @param scratchBytes size of the run's private tmpfs at /tmp (its working folder), also the largest file
 * @param maxConcurrent runs at the same time ({@link CodeRunPool}'s threads)
 * @param queueCapacity runs waiting for a thread; one more is refused, never run on the caller's thread
 */
public record SandboxSettings(Path bubblewrap, Path python, Path setpriv, int runAsUid, int runAsGid,
        Duration cpuTime, Duration wallTime, long memoryBytes, int maxProcesses, long maxOutputBytes,
        long scratchBytes, int maxConcurrent, int queueCapacity) {

    public SandboxSettings {
        absolute(bubblewrap, "bubblewrap");
        absolute(python, "python");
        absolute(setpriv, "setpriv");
        if (runAsUid <= 0 || runAsGid <= 0) {
            throw new IllegalArgumentException("aha.sandbox.run-as-uid and run-as-gid must be > 0 (not root), were "
                    + runAsUid + " and " + runAsGid);
        }
        positive(cpuTime.toMillis(), "cpu-time");
        positive(wallTime.toMillis(), "wall-time");
        if (wallTime.compareTo(cpuTime) < 0) {
            throw new IllegalArgumentException("aha.sandbox.wall-time (" + wallTime + ") must be at least cpu-time ("
                    + cpuTime + ")");
        }
        // Below ~40 MB of address space the interpreter itself cannot start: every run would look like a memory error.
        if (memoryBytes < 64L << 20) {
            throw new IllegalArgumentException("aha.sandbox.memory must be at least 64m (Python needs ~40 MB to "
                    + "start), was " + memoryBytes);
        }
        // The runner is one process; bwrap's init inside the namespace is another.
        if (maxProcesses < 2) {
            throw new IllegalArgumentException("aha.sandbox.max-processes must be at least 2, was " + maxProcesses);
        }
        positive(maxOutputBytes, "max-output");
        positive(scratchBytes, "scratch-size");
        positive(maxConcurrent, "max-concurrent");
        positive(queueCapacity, "queue");
    }

    /** Reads {@code aha.sandbox} (see reference.conf). */
    public static SandboxSettings fromConfig(Config c) {
        return new SandboxSettings(Path.of(c.getString("bubblewrap")), Path.of(c.getString("python")),
                Path.of(c.getString("setpriv")), c.getInt("run-as-uid"), c.getInt("run-as-gid"),
                c.getDuration("cpu-time"), c.getDuration("wall-time"), c.getBytes("memory"),
                c.getInt("max-processes"), c.getBytes("max-output"), c.getBytes("scratch-size"),
                c.getInt("max-concurrent"), c.getInt("queue"));
    }

    /** RLIMIT_CPU is whole seconds: a fraction rounds up, so a limit is never shorter than asked. */
    public long cpuSeconds() {
        return Math.max(1, (cpuTime.toMillis() + 999) / 1000);
    }

    /** These settings with other limits of one run (tests and benchmarks use small ones). */
    public SandboxSettings withLimits(Duration cpu, Duration wall, long memory, int processes, long output) {
        return new SandboxSettings(bubblewrap, python, setpriv, runAsUid, runAsGid, cpu, wall, memory, processes,
                output, scratchBytes, maxConcurrent, queueCapacity);
    }

    /** These settings with another bubblewrap path (the tool-missing check is tested with one that is not there). */
    public SandboxSettings withBubblewrap(Path tool) {
        return new SandboxSettings(tool, python, setpriv, runAsUid, runAsGid, cpuTime, wallTime, memoryBytes,
                maxProcesses, maxOutputBytes, scratchBytes, maxConcurrent, queueCapacity);
    }

    /** These settings with another setpriv path (tested with one that is not there). */
    public SandboxSettings withSetpriv(Path tool) {
        return new SandboxSettings(bubblewrap, python, tool, runAsUid, runAsGid, cpuTime, wallTime, memoryBytes,
                maxProcesses, maxOutputBytes, scratchBytes, maxConcurrent, queueCapacity);
    }

    private static void absolute(Path p, String key) {
        if (p == null || !p.isAbsolute()) {
            throw new IllegalArgumentException("aha.sandbox." + key + " must be an absolute path, was " + p);
        }
    }

    private static void positive(long value, String key) {
        if (value <= 0) {
            throw new IllegalArgumentException("aha.sandbox." + key + " must be > 0, was " + value);
        }
    }
}
