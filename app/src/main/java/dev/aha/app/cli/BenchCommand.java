package dev.aha.app.cli;

import dev.aha.app.bench.AlgorithmsBench;
import dev.aha.app.bench.DistillVsRlBench;
import dev.aha.app.bench.HttpOverheadBench;
import dev.aha.app.bench.RmOveroptimizationBench;
import dev.aha.bench.AsyncVsSyncBench;
import dev.aha.bench.BlasBench;
import dev.aha.bench.MicroBench;
import dev.aha.bench.ModelBench;
import dev.aha.bench.OverheadBench;
import dev.aha.bench.RewardModelBench;
import dev.aha.bench.RolloutBench;
import dev.aha.bench.SandboxBench;
import dev.aha.bench.ScalingBench;
import dev.aha.bench.ThroughputBench;
import dev.aha.bench.VsPyTorchBench;
import dev.aha.bench.WeightsBench;
import picocli.CommandLine.Command;

/** {@code aha bench}: measurements a user can run on their own hardware; each prints one JSON object. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print JSON.",
        subcommands = {WeightsBench.class, MicroBench.class, ThroughputBench.class, ScalingBench.class,
            AsyncVsSyncBench.class, OverheadBench.class, ModelBench.class, DistillVsRlBench.class,
            SandboxBench.class, VsPyTorchBench.class, BlasBench.class, RolloutBench.class, HttpOverheadBench.class,
            RewardModelBench.class, RmOveroptimizationBench.class, AlgorithmsBench.class})
final class BenchCommand {
}
