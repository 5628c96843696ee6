package dev.aha.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.engine.ComputeThreads;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aha bench blas}: which path libtorch's BLAS takes on this machine and what it gives, in a few seconds: the
 * quickest way to see whether MKL's vendor-check bypass is on (run it with and without AHA_MKL_VENDOR_CHECK=keep).
 */
@Command(name = "blas", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"libtorch's BLAS path here and a matmul's GFLOP/s.",
            "Prints one JSON object: the path (MKL's AVX-512, AVX2 or generic path, and why) and an n x n float32 "
                + "matmul's GFLOP/s: median, best and every repeat."})
public final class BlasBench implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--threads", description = "Intra-op threads (default: the cores, ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--size", defaultValue = "1024", description = "n (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed products after one warm-up (default ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || size < 1 || repeats < 1) {
            throw new IllegalArgumentException("--threads, --size and --repeats must be at least 1");
        }
        ComputeThreads.prepare(threads);
        ObjectNode out = BlasSection.describe(ComputeThreads.blasPath());
        out.set("matmul_f32", BlasSection.matmul(size, repeats));
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("mkl_cbwr", System.getenv("MKL_CBWR"));
        out.put("ld_preload", System.getenv("LD_PRELOAD"));
        spec.commandLine().getOut().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
