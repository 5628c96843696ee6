package dev.aha.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.policy.ParameterLayout;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.Policies;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.hf.HfModelInit;
import dev.aha.runtime.policy.hf.TensorBytes;
import dev.aha.runtime.policy.llama.LlamaConfig;
import dev.aha.runtime.policy.lora.LinearModule;
import dev.aha.runtime.policy.lora.LoraBase;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * A model of a real size with no files behind it: a Hugging Face model of a given shape, and weights drawn as
 * transformers initialises them. What the benchmarks measure real sizes on, where no pretrained weights can be had.
 */
final class RandomModel {

    private RandomModel() {}

    /** A Hugging Face model of {@code config}'s shape with no weight files: fill it with {@link #weights}. */
    static HfModel shape(LlamaConfig config, int contextLength) {
        ObjectNode description = new ObjectMapper().createObjectNode();
        description.put("architecture", Policies.HF);
        description.put("context_length", contextLength);
        description.set("config", config.toJson());
        return HfModel.fromDescription(description);
    }

    /** transformers' initialisation: normal(0, 0.02) for matrices and embeddings, 1 for norms, 0 for biases. */
    static FlatWeights weights(ParameterLayout layout, Random rng) {
        FlatWeights flat = FlatWeights.allocate(layout.totalBytes());
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        long offset = 0;
        for (int i = 0; i < layout.size(); i++) {
            String name = layout.names().get(i);
            long n = layout.shapes().get(i).size();
            for (long k = 0; k < n; k++) {
                chunk.putFloat(draw(name, rng));
                if (!chunk.hasRemaining()) {
                    offset = flush(flat, chunk, offset);
                }
            }
        }
        flush(flat, chunk, offset);
        return flat;
    }

    /**
     * The weights {@link #weights} would draw, drawn straight into {@code policy} tensor by tensor, in whatever type
     * it stores them: no whole float32 image is ever held (at 3B's shape that image alone is 12 GB). Returns the
     * SHA-256 of that image ({@link LoraBase#sha256(FlatWeights)}), which names the base under LoRA.
     */
    static String fill(Policy policy, Random rng) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        for (PolicyParameter p : policy.parameters()) { // layout order, as the flat image
            TensorBytes.fill(p.array(), (first, piece) -> {
                ByteBuffer out = piece.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                while (out.hasRemaining()) {
                    out.putFloat(draw(p.name(), rng));
                }
                digest.update(piece.duplicate());
            });
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static float draw(String name, Random rng) {
        return name.contains("norm") ? 1f : name.endsWith(".bias") ? 0f
                : (float) (rng.nextGaussian() * HfModelInit.INITIALIZER_RANGE);
    }

    /**
     * Adapters of rank {@code rank} on {@code modules}, A then B of each, every value normal(0, 0.02): B is not zero,
     * so applying them changes every adapted weight (PEFT starts B at zero, which a merge could skip).
     */
    static FlatWeights adapters(List<LinearModule> modules, int rank, Random rng) {
        long elements = modules.stream().mapToLong(m -> (long) rank * (m.in() + m.out())).sum();
        FlatWeights flat = FlatWeights.allocate(elements * Float.BYTES);
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        long offset = 0;
        for (long k = 0; k < elements; k++) {
            chunk.putFloat((float) (rng.nextGaussian() * HfModelInit.INITIALIZER_RANGE));
            if (!chunk.hasRemaining()) {
                offset = flush(flat, chunk, offset);
            }
        }
        flush(flat, chunk, offset);
        return flat;
    }

    private static long flush(FlatWeights flat, ByteBuffer chunk, long offset) {
        chunk.flip();
        int n = chunk.remaining();
        flat.put(offset, chunk);
        chunk.clear();
        return offset + n;
    }
}
