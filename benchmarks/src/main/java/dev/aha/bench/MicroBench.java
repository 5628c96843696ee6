package dev.aha.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.bench.jmh.GrpoStep;
import dev.aha.bench.jmh.KryoRoundTrip;
import dev.aha.bench.jmh.KvCacheSampling;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aha bench micro}: the JMH microbenchmarks of dev.aha.bench.jmh (Kryo round trip of a SampledGroup, one GRPO
 * learner step, one KV-cache decoding step against a re-run of the prefix), run through the JMH Runner API. JMH's
 * progress goes to stderr; stdout gets one JSON object with every figure measured in this run.
 *
 * <p>By default each benchmark runs in one forked JVM started with the project's JVM flags ({@code aha.jvm.flags}
 * of the root pom, filtered into aha-bench.properties at build time), the classpath of this JVM, and this process's
 * environment (OMP_NUM_THREADS, MALLOC_ARENA_MAX as the launcher set them). {@code --forks 0} runs in this JVM.
 */
@Command(name = "micro", mixinStandardHelpOptions = true,
        description = {"JMH microbenchmarks (Kryo, GRPO step, KV cache).", "Prints one JSON object."})
public final class MicroBench implements Callable<Integer> {

    private static final String KRYO = KryoRoundTrip.class.getName() + ".roundTrip";
    private static final String GRPO = GrpoStep.class.getName() + ".step";
    private static final String KV_CACHED = KvCacheSampling.class.getName() + ".cachedStep";
    private static final String KV_RERUN = KvCacheSampling.class.getName() + ".rerunPrefix";

    /** G: completions per group (aha.train.group-size), in the Kryo, GRPO and KV benchmarks alike. */
    static final int GROUP_SIZE = 8;
    /** Tokens per completion in the Kryo benchmark's SampledGroup. */
    static final int KRYO_TOKENS = 512;

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "Shorter warm-up and measurement (under a minute in all).")
    boolean quick;

    @Option(names = "--forks", defaultValue = "1",
            description = "JVMs forked per benchmark; 0 runs them in this JVM (default ${DEFAULT-VALUE}).")
    int forks;

    @Option(names = "--warmup-iterations", description = "Override: warm-up iterations per benchmark.")
    Integer warmupIterations;

    @Option(names = "--iterations", description = "Override: measured iterations per benchmark.")
    Integer iterations;

    @Option(names = "--iteration-ms", description = "Override: length of each iteration in milliseconds.")
    Integer iterationMs;

    @Option(names = "--context", defaultValue = "128",
            description = "KV benchmark: tokens of context (default ${DEFAULT-VALUE}).")
    int context;

    @Override
    public Integer call() throws Exception {
        int warmup = warmupIterations != null ? warmupIterations : quick ? 2 : 3;
        int measured = iterations != null ? iterations : quick ? 3 : 8;
        int ms = iterationMs != null ? iterationMs : quick ? 1000 : 2000;
        if (warmup < 0 || measured < 1 || ms < 1 || forks < 0) {
            throw new IllegalArgumentException(
                    "--iterations and --iteration-ms must be at least 1, --warmup-iterations and --forks at least 0");
        }
        List<String> jvmFlags = forkJvmFlags();
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(KryoRoundTrip.class.getName()) + "\\.")
                .include("^" + Pattern.quote(GrpoStep.class.getName()) + "\\.")
                .include("^" + Pattern.quote(KvCacheSampling.class.getName()) + "\\.")
                .param("context", Integer.toString(context))
                .param("groupSize", Integer.toString(GROUP_SIZE))
                .param("batch", Integer.toString(GROUP_SIZE))
                .param("completionTokens", Integer.toString(KRYO_TOKENS))
                .warmupIterations(warmup)
                .warmupTime(TimeValue.milliseconds(ms))
                .measurementIterations(measured)
                .measurementTime(TimeValue.milliseconds(ms))
                .threads(1)
                .forks(forks)
                .shouldFailOnError(true);
        if (forks > 0) {
            options.jvmArgs(jvmFlags.toArray(String[]::new));
        }
        PrintStream progress = System.err;
        progress.println("aha bench micro: " + (forks == 0 ? "in this JVM (--forks 0)" : forks + " fork(s) per benchmark")
                + ", warm-up " + warmup + " x " + ms + " ms, measurement " + measured + " x " + ms + " ms");
        long start = System.nanoTime();
        Collection<RunResult> results = new Runner(options.build(),
                OutputFormatFactory.createFormatInstance(progress, VerboseMode.NORMAL)).run();
        double seconds = (System.nanoTime() - start) / 1e9;

        Map<String, Result<?>> byName = new HashMap<>();
        for (RunResult r : results) {
            byName.put(r.getParams().getBenchmark(), r.getPrimaryResult());
        }
        for (String required : List.of(KRYO, GRPO, KV_CACHED, KV_RERUN)) {
            if (!byName.containsKey(required)) {
                throw new IllegalStateException("JMH returned no result for " + required + ": " + byName.keySet());
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode out = json.createObjectNode();
        ObjectNode benchmarks = out.putObject("benchmarks");
        for (String name : List.of(KRYO, GRPO, KV_CACHED, KV_RERUN)) {
            Result<?> r = byName.get(name);
            ObjectNode b = benchmarks.putObject(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1));
            b.put("mean", round(r.getScore()));
            b.put("error", Double.isNaN(r.getScoreError()) ? null : round(r.getScoreError()));
            b.put("unit", r.getScoreUnit());
            b.put("samples", r.getSampleCount());
        }
        out.put("group_size", GROUP_SIZE);
        out.put("kryo_completion_tokens", KRYO_TOKENS);
        out.put("kryo_bytes", KryoRoundTrip.frameBytes(GROUP_SIZE, KRYO_TOKENS));
        double cached = microseconds(byName.get(KV_CACHED));
        double rerun = microseconds(byName.get(KV_RERUN));
        out.put("kv_context", context);
        out.put("kv_cache_step_us", round(cached));
        out.put("kv_rerun_step_us", round(rerun));
        out.put("kv_cache_speedup", round(rerun / cached));
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("intra_op_threads", 1);
        out.put("forks", forks);
        out.put("warmup", warmup + " x " + ms + " ms");
        out.put("measurement", measured + " x " + ms + " ms");
        ArrayNode flags = out.putArray("fork_jvm_flags");
        if (forks > 0) {
            jvmFlags.forEach(flags::add);
        }
        out.put("omp_num_threads", System.getenv("OMP_NUM_THREADS"));
        out.put("java", System.getProperty("java.version"));
        out.put("wall_seconds", round(seconds));
        out.set("blas", BlasSection.json());
        spec.commandLine().getOut().println(json.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** aha.jvm.flags from the build; this JVM's own flags if the build did not filter them in. */
    static List<String> forkJvmFlags() throws IOException {
        Properties p = new Properties();
        try (InputStream in = MicroBench.class.getResourceAsStream("aha-bench.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        String flags = p.getProperty("jvm.flags", "").trim();
        if (flags.isEmpty() || flags.contains("${")) {
            return new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments());
        }
        return new ArrayList<>(Arrays.asList(flags.split("\\s+")));
    }

    private static double microseconds(Result<?> r) {
        String unit = r.getScoreUnit();
        double f = switch (unit) {
            case "ns/op" -> 1e-3;
            case "us/op" -> 1;
            case "ms/op" -> 1e3;
            case "s/op" -> 1e6;
            default -> throw new IllegalStateException("unexpected unit " + unit);
        };
        return r.getScore() * f;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
