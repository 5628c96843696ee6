package dev.aha.runtime.policy.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.llama.LlamaConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes a policy as a Hugging Face model directory that transformers and vLLM load as they load the original:
 *
 * <pre>
 *   config.json              the model's config, key for key, with torch_dtype set to the written dtype
 *   model.safetensors        the weights under transformers' names (or model-0000i-of-0000n.safetensors shards
 *                            plus model.safetensors.index.json when they exceed the shard size)
 *   generation_config.json   bos/eos ids from the config, unless the tokenizer directory brings its own
 *   tokenizer.json, ...      copied from the tokenizer directory when one is given
 * </pre>
 *
 * The directory is assembled under a temporary name beside the target and renamed into place, so a crash never
 * leaves a half-written model under the target's name.
 */
public final class HfModelWriter {

    /** transformers' default {@code max_shard_size} of {@code save_pretrained} ("5GB"). */
    public static final long DEFAULT_SHARD_BYTES = 5_000_000_000L;

    /** Files copied from a tokenizer directory when present; tokenizer.json is required. */
    public static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "generation_config.json", "chat_template.jinja", "added_tokens.json",
            "vocab.json", "merges.txt");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * How to write.
     *
     * @param dtype {@link SafetensorsDType#F32} (bit-exact) or {@link SafetensorsDType#BF16} (rounded, half size)
     * @param maxShardBytes weights above this many bytes are split into shards with an index
     * @param tokenizerDir where to copy tokenizer files from, or null for none
     */
    public record Options(SafetensorsDType dtype, long maxShardBytes, Path tokenizerDir) {

        public Options {
            if (dtype != SafetensorsDType.F32 && dtype != SafetensorsDType.BF16) {
                throw new IllegalArgumentException("export dtype must be F32 or BF16, was " + dtype);
            }
            if (maxShardBytes <= 0) {
                throw new IllegalArgumentException("maxShardBytes must be positive, was " + maxShardBytes);
            }
        }

        /** Float32, one file up to 5 GB, tokenizer files from {@code tokenizerDir} (may be null). */
        public static Options float32(Path tokenizerDir) {
            return new Options(SafetensorsDType.F32, DEFAULT_SHARD_BYTES, tokenizerDir);
        }

        public Options withDtype(SafetensorsDType type) {
            return new Options(type, maxShardBytes, tokenizerDir);
        }

        public Options withMaxShardBytes(long bytes) {
            return new Options(dtype, bytes, tokenizerDir);
        }
    }

    private HfModelWriter() {}

    /**
     * Writes {@code policy} with {@code configJson} (the model's original config.json) to {@code target}, which must
     * not exist or be an empty directory.
     *
     * @return {@code target}
     */
    public static Path write(Policy policy, ObjectNode configJson, Path target, Options options) {
        LlamaConfig config = LlamaConfig.parse(configJson, "config.json");
        if (!config.layout().equals(policy.layout())) {
            throw new IllegalArgumentException("the policy's layout (" + policy.architecture() + ", "
                    + policy.layout() + ") is not the one config.json describes (" + config.layout() + ")");
        }
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        for (PolicyParameter p : policy.parameters()) {
            tensors.add(new SafetensorsWriter.Tensor(p.name(), p.shape().getShape(),
                    use -> TensorBytes.read(p.array(), use)));
        }
        ObjectNode out = configJson.deepCopy();
        out.put("torch_dtype", options.dtype().torchName());
        if (out.has("dtype")) {
            out.put("dtype", options.dtype().torchName()); // transformers 5 spelling
        }
        if (!out.has("architectures")) {
            out.putArray("architectures").add(config.causalLmClass()); // vLLM picks its model class by this
        }
        return writeDirectory(target, out, config, tensors, options);
    }

    /**
     * Writes {@code parameters} under their own names with {@code configJson} as it is (a reward model: its decoder's
     * weights and {@code score.weight}, with a {@code *ForSequenceClassification} config).
     */
    public static Path writeParameters(List<PolicyParameter> parameters, ObjectNode configJson, Path target,
            Options options) {
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        for (PolicyParameter p : parameters) {
            tensors.add(new SafetensorsWriter.Tensor(p.name(), p.shape().getShape(),
                    use -> TensorBytes.read(p.array(), use)));
        }
        ObjectNode out = configJson.deepCopy();
        out.put("torch_dtype", options.dtype().torchName());
        return writeDirectory(target, out, LlamaConfig.parse(configJson, "config.json"), tensors, options);
    }

    /** The same for tensors from any source (random initialisation): {@code tensors} in layout order. */
    static Path writeDirectory(Path target, ObjectNode configJson, LlamaConfig config,
            List<SafetensorsWriter.Tensor> tensors, Options options) {
        Path tokenizer = options.tokenizerDir();
        if (tokenizer != null && !Files.isRegularFile(tokenizer.resolve("tokenizer.json"))) {
            throw new IllegalArgumentException("tokenizer directory " + tokenizer + " has no tokenizer.json");
        }
        try {
            if (Files.exists(target) && (!Files.isDirectory(target) || !isEmpty(target))) {
                throw new IllegalArgumentException(target + " exists and is not an empty directory");
            }
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path staging = Files.createTempDirectory(parent, "." + target.getFileName() + "-");
            try {
                Files.writeString(staging.resolve("config.json"), JSON.writeValueAsString(configJson) + "\n");
                writeGenerationConfig(staging, config);
                writeWeights(staging, tensors, options);
                if (tokenizer != null) {
                    for (String name : TOKENIZER_FILES) {
                        Path source = tokenizer.resolve(name);
                        if (Files.isRegularFile(source)) {
                            Files.copy(source, staging.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
                if (Files.exists(target)) {
                    Files.delete(target); // the empty directory
                }
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                deleteTree(staging);
                throw e;
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the model directory " + target, e);
        }
    }

    private static void writeWeights(Path dir, List<SafetensorsWriter.Tensor> tensors, Options options)
            throws IOException {
        Map<String, String> metadata = Map.of("format", "pt"); // transformers refuses files without it
        long total = SafetensorsWriter.dataBytes(tensors, options.dtype());
        if (total <= options.maxShardBytes()) {
            SafetensorsWriter.write(dir.resolve(HfCheckpoint.SINGLE_FILE), tensors, options.dtype(), metadata);
            return;
        }
        // Shards as transformers cuts them: in order, a new shard when the next tensor would overflow this one.
        List<List<SafetensorsWriter.Tensor>> shards = new ArrayList<>();
        List<SafetensorsWriter.Tensor> current = new ArrayList<>();
        long currentBytes = 0;
        for (SafetensorsWriter.Tensor t : tensors) {
            long bytes = t.elementCount() * options.dtype().bytes();
            if (!current.isEmpty() && currentBytes + bytes > options.maxShardBytes()) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(t);
            currentBytes += bytes;
        }
        shards.add(current);
        Map<String, String> weightMap = new TreeMap<>();
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            SafetensorsWriter.write(dir.resolve(name), shards.get(i), options.dtype(), metadata);
            for (SafetensorsWriter.Tensor t : shards.get(i)) {
                weightMap.put(t.name(), name);
            }
        }
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode map = index.putObject("weight_map");
        weightMap.forEach(map::put);
        Files.writeString(dir.resolve(HfCheckpoint.INDEX_FILE), JSON.writeValueAsString(index) + "\n");
    }

    private static void writeGenerationConfig(Path dir, LlamaConfig config) throws IOException {
        if (config.bosTokenId() == null && config.eosTokenIds().isEmpty()) {
            return;
        }
        ObjectNode generation = JSON.createObjectNode();
        generation.put("_from_model_config", true);
        if (config.bosTokenId() != null) {
            generation.put("bos_token_id", config.bosTokenId());
        }
        if (config.eosTokenIds().size() == 1) {
            generation.put("eos_token_id", config.eosTokenIds().get(0));
        } else if (!config.eosTokenIds().isEmpty()) {
            ArrayNode eos = generation.putArray("eos_token_id");
            config.eosTokenIds().forEach(eos::add);
        }
        Files.writeString(dir.resolve("generation_config.json"), JSON.writeValueAsString(generation) + "\n");
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: the original failure is the one to report
        }
    }
}
