package dev.aha.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.hf.HfModelInit;
import dev.aha.runtime.policy.hf.HfSequenceClassification;
import dev.aha.runtime.policy.llama.LlamaConfig;
import dev.aha.runtime.policy.llama.LlamaPolicy;
import dev.aha.runtime.rm.RewardModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aha bench rm}: reward-model scoring throughput, what a reward node hosting one can take. A random
 * {@code *ForSequenceClassification} of a published shape (weights drawn as transformers initialises them, no
 * files) scores batches of random token rows, each row read at its last token, without gradients; sequences and
 * tokens per second over the timed batches, after warm-up ones.
 */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = {"Reward-model scoring: sequences/s at a model shape.",
            "Default: the Qwen2.5-0.5B shape, batches of 8 sequences of 256 tokens. Prints one JSON object."})
public final class RewardModelBench implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--shape", defaultValue = "qwen2.5-0.5b", description = "Model shape (default ${DEFAULT-VALUE}).")
    String shape;

    @Option(names = "--batch", defaultValue = "8", description = "Sequences a forward (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--tokens", defaultValue = "256", description = "Tokens a sequence (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--batches", defaultValue = "5", description = "Timed batches (default ${DEFAULT-VALUE}).")
    int batches;

    @Option(names = "--warmup", defaultValue = "1", description = "Untimed batches first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads", description = "Intra-op threads (default: the cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || tokens < 1 || batches < 1 || warmup < 0) {
            throw new IllegalArgumentException("need --batch, --tokens and --batches >= 1 and --warmup >= 0");
        }
        int intraOp = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        ComputeThreads.prepare(intraOp);
        LlamaConfig config = ModelShapes.named(shape).config();
        Random rng = new Random(1);
        double[] seconds = new double[batches];
        long parameters;
        try (NDManager base = NDManager.newBaseManager();
                LlamaPolicy trunk = LlamaPolicy.zeros(HfSequenceClassification.trunk(config), tokens, base)) {
            trunk.importWeights(RandomModel.weights(trunk.layout(), rng));
            float[] head = new float[config.hiddenSize()];
            for (int i = 0; i < head.length; i++) {
                head[i] = (float) (rng.nextGaussian() * HfModelInit.INITIALIZER_RANGE);
            }
            try (RewardModel model = new RewardModel(trunk, trunk.manager().create(head,
                    new Shape(1, config.hiddenSize())), null, Set.of())) {
                parameters = model.layout().totalElements();
                for (int i = 0; i < warmup + batches; i++) {
                    List<int[]> rows = rows(rng, config.vocabSize());
                    long t0 = System.nanoTime();
                    model.rewards(rows);
                    if (i >= warmup) {
                        seconds[i - warmup] = (System.nanoTime() - t0) / 1e9;
                    }
                }
            }
        }
        double total = 0;
        ObjectMapper json = new ObjectMapper();
        ArrayNode each = json.createArrayNode();
        for (double s : seconds) {
            total += s;
            each.add(PipelineBench.round(s));
        }
        ObjectNode j = json.createObjectNode();
        j.put("shape", shape).put("parameters", parameters).put("batch", batch).put("tokens", tokens);
        j.put("batches", batches).put("warmup", warmup).put("threads", intraOp);
        j.put("seconds", PipelineBench.round(total)).set("batch_seconds", each);
        j.put("median_batch_seconds", PipelineBench.round(Stats.median(seconds)));
        j.put("sequences_per_second", PipelineBench.round(batch * batches / total));
        j.put("tokens_per_second", PipelineBench.round((double) batch * tokens * batches / total));
        j.put("cores", Runtime.getRuntime().availableProcessors());
        j.put("load_average", PipelineBench.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage()));
        j.set("blas", BlasSection.json());
        spec.commandLine().getOut().println(json.writerWithDefaultPrettyPrinter().writeValueAsString(j));
        return 0;
    }

    /** {@code batch} rows of {@code tokens} random ids. */
    private List<int[]> rows(Random rng, int vocab) {
        List<int[]> rows = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            rows.add(rng.ints(tokens, 0, vocab).toArray());
        }
        return rows;
    }
}
