package dev.aha.bench;

import dev.aha.cli.AhaSubcommand;
import picocli.CommandLine.Command;

/** {@code aha bench}: measurements a user can run on their own hardware; each prints one JSON object. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print JSON.",
        subcommands = {WeightsBench.class, MicroBench.class, ThroughputBench.class, ScalingBench.class,
            AsyncVsSyncBench.class, OverheadBench.class, ModelBench.class, DistillVsRlBench.class,
            SandboxBench.class, VsPyTorchBench.class})
public final class BenchCommand implements AhaSubcommand {

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public Object command() {
        return new BenchCommand();
    }
}
