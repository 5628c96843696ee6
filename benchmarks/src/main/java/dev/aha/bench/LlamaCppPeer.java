package dev.aha.bench;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.bench.llamacpp.LlamaCpp;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.gguf.GgmlType;
import dev.aha.runtime.policy.gguf.GgufModelWriter;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.tokenizer.BundledTokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * llama.cpp beside Aha in {@code aha bench rollout}: the same weights exported to GGUF in the point's type, run by
 * node-llama-cpp with the same threads, sequences and tokens. Where llama.cpp or a vocabulary for the GGUF file is
 * missing, it says so in the result instead of comparing.
 */
final class LlamaCppPeer implements AutoCloseable {

    /** Qwen3's tokenizer makes ids up to this: a shape with fewer embedding rows needs --tokenizer. */
    private static final int QWEN3_IDS = 151_669;

    private final LlamaCpp llamaCpp;
    private final HfModel factory;
    private final Path tokenizer;
    private final Path work;

    private LlamaCppPeer(LlamaCpp llamaCpp, HfModel factory, Path tokenizer) {
        this.llamaCpp = llamaCpp;
        this.factory = factory;
        this.tokenizer = tokenizer;
        try {
            this.work = Files.createTempDirectory("aha-bench-gguf-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * llama.cpp ready to run this model, or null with the reason written to {@code status}.
     *
     * @param tokenizer the vocabulary the GGUF carries: the model's own, --tokenizer, or the bundled Qwen3 one
     */
    static LlamaCppPeer open(HfModel factory, Path tokenizer, ObjectNode status) {
        LlamaCpp.Located located = LlamaCpp.locate(Duration.ofMinutes(20));
        if (located.llamaCpp().isEmpty()) {
            status.put("status", "missing: " + located.missing());
            return null;
        }
        Path vocabulary = tokenizer;
        if (vocabulary == null) {
            if (factory.vocabSize() < QWEN3_IDS) {
                status.put("status", "skipped: the GGUF file needs a vocabulary that fits the model's "
                        + factory.vocabSize() + " embedding rows; give --tokenizer DIR");
                return null;
            }
            vocabulary = BundledTokenizers.qwen3();
        }
        LlamaCpp llama = located.get();
        status.put("status", "compared");
        status.set("info", llama.info());
        return new LlamaCppPeer(llama, factory, vocabulary);
    }

    /**
     * A GGUF file of {@code weights} (or the model's files when null) in {@code type}, and a runner over it. One run
     * benchmarks one set of weights, so a type asked for again (Aha's bf16 and f16 both face llama.cpp's f16) reuses
     * the file written first.
     */
    RolloutPoints.Peer forType(GgmlType type, FlatWeights weights, int threads, int promptTokens, int newTokens) {
        Path gguf = work.resolve("model-" + type.name().toLowerCase(java.util.Locale.ROOT) + ".gguf");
        if (Files.exists(gguf)) {
            return sequences -> llamaCpp.bench(gguf, threads, sequences, promptTokens, newTokens);
        }
        System.err.println("[rollout] writing " + gguf.getFileName() + " for llama.cpp...");
        try (NDManager scope = NDManager.newBaseManager(); Policy policy = weights == null ? factory.create(scope)
                : factory.blank(scope)) {
            if (weights != null) {
                policy.importWeights(weights);
            }
            GgufModelWriter.write(policy, factory.config(), gguf,
                    new GgufModelWriter.Options(type, tokenizer, "aha-bench"));
        }
        return sequences -> llamaCpp.bench(gguf, threads, sequences, promptTokens, newTokens);
    }

    @Override
    public void close() {
        try (var files = Files.list(work)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(work);
        } catch (IOException ignored) {
            // temporary files: the result matters more
        }
    }
}
