package dev.aha.runtime.policy.hf;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.policy.KvShape;
import dev.aha.runtime.policy.ParameterLayout;
import dev.aha.runtime.policy.Policies;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyFactory;
import dev.aha.runtime.policy.llama.LlamaConfig;
import dev.aha.runtime.policy.llama.LlamaPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Hugging Face model directory (llama, qwen2, qwen3) as a {@link PolicyFactory}. {@link #open} reads only
 * {@code config.json}, so the layout is known without the weights; {@link #create} reads the weights
 * ({@code model.safetensors} or the shards of {@code model.safetensors.index.json}, F32/F16/BF16, converted to
 * float32); {@link #blank} never touches the weight files (a rollout replica gets its weights over the weight plane).
 * Computation is float32 only.
 *
 * <pre>
 *   HfModel model = HfModel.open(dir, 4096);          // refuses unimplemented configs by name
 *   try (Policy policy = model.create(manager)) { ... }
 *   model.export(policy, outDir, HfModelWriter.Options.float32(dir));   // back to a HF directory
 * </pre>
 */
public final class HfModel implements PolicyFactory {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final ObjectNode configJson;
    private final LlamaConfig config;
    private final int contextLength;

    private HfModel(Path dir, ObjectNode configJson, LlamaConfig config, int contextLength) {
        this.dir = dir;
        this.configJson = configJson;
        this.config = config;
        this.contextLength = contextLength;
    }

    /**
     * Reads and checks {@code dir/config.json}.
     *
     * @param maxContext caps the context length below max_position_embeddings (Qwen3 declares 40,960 positions;
     *     a run that never samples past 2,048 should not pay for more)
     */
    public static HfModel open(Path dir, int maxContext) {
        if (maxContext <= 0) {
            throw new IllegalArgumentException("maxContext must be positive, was " + maxContext);
        }
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new HfFormatException(dir + " has no config.json: not a Hugging Face model directory");
        }
        JsonNode json;
        try {
            json = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        if (json == null || !json.isObject()) {
            throw new HfFormatException(file + " is not a JSON object");
        }
        LlamaConfig config = LlamaConfig.parse(json, file.toString());
        return new HfModel(dir, (ObjectNode) json, config, Math.min(maxContext, config.maxPositionEmbeddings()));
    }

    public Path directory() {
        return dir;
    }

    public LlamaConfig config() {
        return config;
    }

    /** The original config.json, key for key (a copy). */
    public ObjectNode configJson() {
        return configJson.deepCopy();
    }

    @Override
    public String architecture() {
        return config.modelType();
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public KvShape kvShape() {
        return config.kvShape();
    }

    @Override
    public ParameterLayout layout() {
        return config.layout();
    }

    /**
     * A model known from its config.json alone (as recorded in a checkpoint's policy.json): {@link #blank} works,
     * {@link #create} has no files to read.
     */
    public static HfModel fromDescription(ObjectNode description) {
        JsonNode json = description.get("config");
        if (json == null || !json.isObject()) {
            throw new HfFormatException("policy description has no config object: " + description);
        }
        LlamaConfig config = LlamaConfig.parse(json, "policy.json");
        return new HfModel(null, (ObjectNode) json.deepCopy(), config,
                Math.min(description.path("context_length").asInt(config.maxPositionEmbeddings()),
                        config.maxPositionEmbeddings()));
    }

    @Override
    public ObjectNode describe() {
        ObjectNode d = JSON.createObjectNode();
        d.put("architecture", Policies.HF);
        d.put("context_length", contextLength);
        d.set("config", configJson.deepCopy());
        return d;
    }

    /** The policy with the directory's weights, checked against config.json tensor by tensor. */
    @Override
    public LlamaPolicy create(NDManager parent) {
        if (dir == null) {
            throw new IllegalStateException("this " + architecture() + " model was described by a checkpoint, not "
                    + "opened from a directory: it has no weight files to load (use blank and load the checkpoint)");
        }
        LlamaPolicy policy = LlamaPolicy.zeros(config, contextLength, parent);
        try (HfCheckpoint checkpoint = HfCheckpoint.open(dir)) {
            checkpoint.loadInto(policy);
            return policy;
        } catch (RuntimeException e) {
            policy.close();
            throw e;
        }
    }

    /** The architecture with zero weights; reads no weight file. */
    @Override
    public LlamaPolicy blank(NDManager parent) {
        return LlamaPolicy.zeros(config, contextLength, parent);
    }

    @Override
    public LlamaPolicy blank(NDManager parent, DataType type) {
        return LlamaPolicy.zeros(config, contextLength, parent, type);
    }

    @Override
    public LlamaPolicy sharing(NDManager parent, Policy base) {
        if (!(base instanceof LlamaPolicy llama) || !llama.config().equals(config)) {
            throw new IllegalArgumentException("a shared base must be a policy of this model, not " + base);
        }
        return LlamaPolicy.sharing(llama, parent);
    }

    /**
     * Writes {@code policy} (built from this model, possibly trained since) as a Hugging Face directory with this
     * model's config.json.
     */
    public Path export(Policy policy, Path target, HfModelWriter.Options options) {
        return HfModelWriter.write(policy, configJson, target, options);
    }

    /**
     * The same in float32, copying the tokenizer files from this model's own directory when it has a
     * tokenizer.json (the usual layout of a Hugging Face model).
     */
    public Path export(Policy policy, Path target) {
        Path tokenizer = Files.isRegularFile(dir.resolve("tokenizer.json")) ? dir : null;
        return export(policy, target, HfModelWriter.Options.float32(tokenizer));
    }

    /**
     * Checks a requested compute dtype (e.g. the {@code aha.policy.dtype} setting): Llama-family policies compute
     * in float32 only; 16-bit weight files are widened exactly on load and {@link HfModelWriter} can write BF16.
     */
    public static void requireComputeDtype(String dtype) {
        if (!dtype.equals("f32") && !dtype.equals("float32")) {
            throw new IllegalArgumentException("compute dtype '" + dtype + "' is not implemented: Llama-family policies"
                    + " compute in float32 (F16/BF16 files are widened exactly on load; export can write BF16)");
        }
    }
}
