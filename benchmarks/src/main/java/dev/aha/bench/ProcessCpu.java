package dev.aha.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU time of this whole process (every thread: libtorch's pool, the collector, the JIT), as Python's
 * {@code time.process_time()} counts it on the PyTorch side. On a machine other work shares, wall time measures the
 * share the scheduler gave; CPU time at one intra-op thread measures the work.
 */
final class ProcessCpu {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ProcessCpu() {}

    static long nanos() {
        return OS.getProcessCpuTime();
    }
}
