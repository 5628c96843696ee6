package dev.aha.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.reward.CodeExecutionReward;
import dev.aha.runtime.reward.RewardInput;
import dev.aha.runtime.sandbox.CodeRunPool;
import dev.aha.runtime.sandbox.Outcome;
import dev.aha.runtime.sandbox.Sandbox;
import dev.aha.runtime.sandbox.SandboxSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha bench sandbox}: what code rewards cost. Throughput: tinycode-sized completions (a one-line function,
 * three asserts) scored through the code reward on a pool of {@code --concurrent} sandboxes. Overhead: the same
 * program and tests run one at a time in the sandbox and by the same interpreter directly (no bubblewrap, no limits,
 * no runner), medians of wall time per run, start to exit.
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = {"Code-reward sandbox: completions/s and per-run overhead.",
            "Completions scored per second, and each run's overhead against plain Python. Prints one JSON object."})
public final class SandboxBench implements Callable<Integer> {

    @Option(names = "--completions", defaultValue = "200",
            description = "Completions scored (default ${DEFAULT-VALUE}).")
    int completions;

    @Option(names = "--concurrent", defaultValue = "2", description = "Sandboxes at once (default ${DEFAULT-VALUE}).")
    int concurrent;

    @Option(names = "--runs", defaultValue = "40", description = "Sequential runs of each kind for the overhead "
            + "(default ${DEFAULT-VALUE}).")
    int runs;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Override
    public Integer call() throws Exception {
        if (completions < 1 || concurrent < 1 || runs < 1) {
            throw new IllegalArgumentException("need --completions, --concurrent and --runs >= 1");
        }
        SandboxSettings settings = SandboxSettings.fromConfig(config.load().getConfig("aha.sandbox"));
        try (Sandbox sandbox = Sandbox.start(settings)) {
            CodeExecutionReward reward = new CodeExecutionReward(sandbox, false);
            warmUp(reward);

            long start = System.nanoTime();
            int passed = 0;
            try (CodeRunPool pool = new CodeRunPool(concurrent, completions)) {
                List<CompletableFuture<CodeExecutionReward.Scored>> scored = new ArrayList<>();
                for (int i = 0; i < completions; i++) {
                    RewardInput input = completion(i);
                    scored.add(pool.submit(() -> reward.run(input)));
                }
                for (CompletableFuture<CodeExecutionReward.Scored> f : scored) {
                    passed += f.join().outcome() == Outcome.PASSED ? 1 : 0;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;

            double[] sandboxed = new double[runs];
            double[] direct = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                reward.run(completion(completions + i));
                sandboxed[i] = (System.nanoTime() - t0) / 1e6;
                t0 = System.nanoTime();
                runDirectly(settings.python(), i);
                direct[i] = (System.nanoTime() - t0) / 1e6;
            }

            ObjectNode j = new ObjectMapper().createObjectNode();
            j.put("completions", completions);
            j.put("concurrent_sandboxes", concurrent);
            j.put("passed", passed);
            j.put("seconds", PipelineBench.round(seconds));
            j.put("completions_per_second", PipelineBench.round(completions / seconds));
            j.put("runs_for_overhead", runs);
            j.put("sandboxed_ms_median", PipelineBench.round(Stats.median(sandboxed)));
            j.put("direct_python_ms_median", PipelineBench.round(Stats.median(direct)));
            j.put("overhead_ms_per_run", PipelineBench.round(Stats.median(sandboxed) - Stats.median(direct)));
            j.put("cores", Runtime.getRuntime().availableProcessors());
            j.put("load_average", PipelineBench.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage()));
            j.set("blas", BlasSection.json());
            System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(j));
            return passed == completions ? 0 : 1;
        }
    }

    private static void warmUp(CodeExecutionReward reward) {
        for (int i = 0; i < 5; i++) {
            reward.run(completion(-1 - i));
        }
    }

    /** A right tinycode answer, a different text each time (the reward runs a repeated program only once). */
    private static RewardInput completion(int i) {
        int k = 1 + Math.floorMod(i, 9);
        return new RewardInput("", "<think>x</think> <answer>" + program(k, i) + "</answer>", tests(k));
    }

    private static String program(int k, int i) {
        return "def f(x): return x+" + k + "  # " + i + "\n";
    }

    private static String tests(int k) {
        return "assert f(1) == " + (1 + k) + "\nassert f(2) == " + (2 + k) + "\nassert f(13) == " + (13 + k) + "\n";
    }

    /** The same program and tests in the same interpreter, with the same flags, outside any sandbox. */
    private static void runDirectly(Path python, int i) throws Exception {
        int k = 1 + Math.floorMod(i, 9);
        Process p = new ProcessBuilder(python.toString(), "-I", "-S", "-B", "-c", program(k, i) + tests(k))
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("the direct run failed: exit " + (p.isAlive() ? "none" : p.exitValue()));
        }
    }
}
