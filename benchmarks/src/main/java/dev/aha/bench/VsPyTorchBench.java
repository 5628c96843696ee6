package dev.aha.bench;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.grpo.GrpoLoss;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptPolicy;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.hf.HfModelInit;
import dev.aha.runtime.policy.llama.LlamaConfig;
import dev.aha.runtime.policy.llama.LlamaPolicy;
import dev.aha.runtime.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aha bench vs-pytorch}: Aha and PyTorch side by side on the same models, weights, batch and thread count,
 * in one run. For the built-in GPT (sized by aha.policy) and a tiny random Qwen3: sampling G completions of N tokens
 * with a KV cache (tokens/s), one GRPO step with the KL term and AdamW (ms), the ratios Aha/PyTorch, and each side's
 * FLOP/s against the peak of one large matmul measured in this run in both DJL and torch. The PyTorch side
 * ({@value PyTorchPeer#SCRIPT}, PyTorch only) first proves it computes what Aha computes (see {@link AhaSide}); then
 * the two sides' timed runs alternate ({@link Interleaving}). Each side's BLAS is in the report: {@code blas} (Aha's
 * libtorch) and {@code pytorch_blas}.
 */
@Command(name = "vs-pytorch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Aha against PyTorch: sampling, GRPO steps, FLOP/s.",
            "The same models, weights, batch and threads on both sides: sampling tokens/s, GRPO step ms, ratios, "
                + "FLOP/s against the measured matmul peak. Prints one JSON object.",
            "Needs /usr/bin/python3 with torch (" + PyTorchPeer.INSTALL_HINT + ")."})
public final class VsPyTorchBench implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--threads", description = "Intra-op threads on both sides (default: the cores, ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--group-size", defaultValue = "8", description = "G (default ${DEFAULT-VALUE}).")
    int groupSize;

    @Option(names = "--new-tokens", defaultValue = "128", description = "Tokens per completion (default ${DEFAULT-VALUE}).")
    int newTokens;

    @Option(names = "--prompt-tokens", defaultValue = "16", description = "Random prompt length (default ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--warmups", defaultValue = "3", description = "Untimed runs of each first, on both sides (default ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = "--repeats", defaultValue = "5",
            description = "Timed runs of each on each side, the two sides in turn (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--models", split = ",", defaultValue = "gpt,qwen3", description = "gpt, qwen3 or both (default ${DEFAULT-VALUE}).")
    String[] models;

    @Option(names = "--qwen3", split = ",", defaultValue = "128,4,4,2,384,2048",
            description = "The Qwen3's hidden,layers,heads,kv-heads,intermediate,vocab (tied; default ${DEFAULT-VALUE}).")
    int[] qwen3;

    @Option(names = "--matmul-size", defaultValue = "1024", description = "n of the n x n peak matmul (default ${DEFAULT-VALUE}).")
    int matmulSize;

    @Option(names = "--tolerance", defaultValue = "1e-4", description = "Largest difference in loss and log-probs (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--python", description = "The interpreter with torch (default ${DEFAULT-VALUE}).")
    Path python = PyTorchPeer.DEFAULT_PYTHON;

    @Option(names = "--timeout", defaultValue = "PT10M",
            description = "Longest the PyTorch side may run, Aha's turns included (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--seed", defaultValue = "1") long seed;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || groupSize < 2 || newTokens < 2 || promptTokens < 1 || repeats < 1 || warmups < 0
                || qwen3.length != 6) {
            throw new IllegalArgumentException("--threads, --prompt-tokens and --repeats must be at least 1, --warmups at "
                    + "least 0, --group-size and --new-tokens at least 2; --qwen3 takes six sizes");
        }
        Path work = Files.createTempDirectory("aha-vs-pytorch");
        try {
            PyTorchPeer peer = new PyTorchPeer(python, threads);
            Optional<String> missing = peer.unavailable(work);
            if (missing.isPresent()) {
                spec.commandLine().getErr().println("aha bench vs-pytorch: " + missing.get());
                spec.commandLine().getErr().flush();
                return 2;
            }
            return compare(peer, work);
        } finally {
            delete(work);
        }
    }

    private int compare(PyTorchPeer peer, Path work) throws IOException {
        Config conf = config.load();
        GrpoSettings grpo = GrpoSettings.fromConfig(conf.getConfig("aha.grpo"), newTokens);
        AdamWSettings adam = AdamWSettings.fromConfig(conf.getConfig("aha.optimizer"));
        AhaSide.Workload workload = new AhaSide.Workload(promptTokens, groupSize, newTokens, warmups, repeats, seed);
        AhaSide aha = new AhaSide(new GrpoLoss(grpo), adam, workload);
        ComputeThreads.prepare(threads);
        ObjectMapper json = new ObjectMapper();
        Path requestFile = work.resolve("request.json");
        json.writeValue(requestFile.toFile(), request(json, grpo, adam));
        Map<String, AhaSide.Result> ours = new LinkedHashMap<>();
        Map<String, JsonNode> checks = new LinkedHashMap<>();
        Map<String, Interleaving.Timings> theirs = new LinkedHashMap<>();
        Map<String, ModelFlops> flops = new LinkedHashMap<>();
        double djlPeak;
        JsonNode header;
        log("starting PyTorch (" + python + ") and measuring its matmul peak...");
        try (PyTorchSession pytorch = peer.start(work, requestFile, timeout);
                NDManager base = NDManager.newBaseManager()) {
            header = pytorch.header();
            log("measuring DJL's matmul peak (" + matmulSize + "^2, " + threads + " threads)...");
            djlPeak = MatmulPeak.flops(base, matmulSize, 10);
            for (String model : models) {
                log(model + ": the same computation on both sides? then sampling " + groupSize + " x " + newTokens
                        + " tokens and GRPO steps, " + repeats + " timed each, the two sides in turn...");
                try (Policy policy = policy(model, conf, base, 0); Policy reference = policy(model, conf, base, 1);
                        AhaSide.Prepared prepared = aha.prepare(model, policy, reference, modelConfig(policy), work)) {
                    ModelFlops count = ModelFlops.of(policy);
                    prepared.request.put("layers", count.layers());
                    Path modelFile = work.resolve(model + ".json");
                    json.writeValue(modelFile.toFile(), prepared.request);
                    checks.put(model, pytorch.load(modelFile));
                    Interleaving.Both both = Interleaving.run(prepared, pytorch, model, warmups, repeats);
                    pytorch.unload(model);
                    ours.put(model, new AhaSide.Result(prepared.request, both.aha().sample(), both.aha().grpoStep(),
                            prepared.scoredColumns, prepared.length));
                    theirs.put(model, both.pytorch());
                    flops.put(model, count);
                }
            }
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("aha bench vs-pytorch: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
        ObjectNode out = new SideBySide(djlPeak, header, workload, grpo.usesReference())
                .report(ours, checks, theirs, flops);
        out.put("threads", threads);
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("python", python.toString());
        out.set("blas", BlasSection.json());
        spec.commandLine().getOut().println(json.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The settings every model shares, for the PyTorch side. */
    private ObjectNode request(ObjectMapper json, GrpoSettings grpo, AdamWSettings adam) {
        ObjectNode request = json.createObjectNode();
        request.put("threads", threads);
        request.put("seed", seed);
        request.put("matmul_size", matmulSize);
        request.put("matmul_repeats", 10);
        request.put("tolerance", tolerance);
        request.put("group_size", groupSize);
        request.put("new_tokens", newTokens);
        request.putObject("grpo").put("eps_low", grpo.epsLow()).put("eps_high", grpo.epsHigh())
                .put("beta", grpo.beta()).put("aggregation", grpo.aggregation().name())
                .put("dr_grpo_normalizer", grpo.drGrpoNormalizer());
        request.putObject("optimizer").put("learning_rate", adam.learningRate()).put("beta1", adam.beta1())
                .put("beta2", adam.beta2()).put("eps", adam.eps()).put("weight_decay", adam.weightDecay())
                .put("max_grad_norm", adam.maxGradNorm());
        return request;
    }

    /** The model {@code name} with fresh random weights from {@code seedOffset} (the reference's are overwritten). */
    private Policy policy(String name, Config conf, NDManager base, int seedOffset) {
        int context = promptTokens + newTokens;
        switch (name) {
            case "gpt" -> {
                GptConfig c = GptConfig.fromConfig(conf.getConfig("aha.policy"),
                        Tokenizers.load(Tokenizers.CHAR).vocabSize());
                if (c.contextLength() < context) {
                    throw new IllegalArgumentException("--prompt-tokens + --new-tokens = " + context
                            + " exceeds the GPT's context of " + c.contextLength() + " (aha.policy.context-length)");
                }
                return GptPolicy.create(new GptConfig(c.vocabSize(), c.contextLength(), c.modelDim(), c.layers(),
                        c.heads(), c.mlpMultiplier(), c.initSeed() + seedOffset), base);
            }
            case "qwen3" -> {
                LlamaConfig c = HfModelInit.Spec.of(LlamaConfig.QWEN3, qwen3[0], qwen3[1], qwen3[2], qwen3[3], qwen3[4],
                        qwen3[5], true, seed).config();
                HfModel shape = RandomModel.shape(c, context);
                Policy policy = shape.blank(base);
                policy.importWeights(RandomModel.weights(c.layout(), new Random(seed + seedOffset)));
                return policy;
            }
            default -> throw new IllegalArgumentException("--models takes gpt and qwen3, not " + name);
        }
    }

    /** The sizes the PyTorch side builds the model from: the GPT's, or a Hugging Face config.json. */
    private static ObjectNode modelConfig(Policy policy) {
        if (policy instanceof LlamaPolicy llama) {
            return llama.config().toJson();
        }
        GptConfig c = ((GptPolicy) policy).config();
        return new ObjectMapper().createObjectNode().put("model_dim", c.modelDim()).put("heads", c.heads())
                .put("layers", c.layers()).put("vocab_size", c.vocabSize()).put("context_length", c.contextLength());
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void log(String what) {
        System.err.println("aha bench vs-pytorch: " + what);
    }
}
