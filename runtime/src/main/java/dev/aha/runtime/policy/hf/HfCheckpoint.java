package dev.aha.runtime.policy.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.policy.ParameterLayout;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyParameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The weight files of a Hugging Face model directory: {@code model.safetensors}, or the shards that
 * {@code model.safetensors.index.json} maps tensor names to (transformers prefers the single file when both exist).
 * Every file's header is checked on open; {@link #requireExactly} then checks the tensors against the layout the
 * config implies, and {@link #loadInto} copies them into a policy as float32.
 */
public final class HfCheckpoint implements AutoCloseable {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final List<SafetensorsFile> files;
    /** Tensor name to the file holding it, in a stable order. */
    private final Map<String, SafetensorsFile> tensors;

    private HfCheckpoint(Path dir, List<SafetensorsFile> files, Map<String, SafetensorsFile> tensors) {
        this.dir = dir;
        this.files = files;
        this.tensors = tensors;
    }

    /** Opens the weight files of {@code dir}, checking every header and, if sharded, the index. */
    public static HfCheckpoint open(Path dir) {
        Path single = dir.resolve(SINGLE_FILE);
        Path index = dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(single)) {
            SafetensorsFile file = SafetensorsFile.open(single);
            Map<String, SafetensorsFile> tensors = new LinkedHashMap<>();
            file.header().entries().keySet().forEach(name -> tensors.put(name, file));
            return new HfCheckpoint(dir, List.of(file), tensors);
        }
        if (Files.isRegularFile(index)) {
            return openSharded(dir, index);
        }
        String pickled = Files.exists(dir.resolve("pytorch_model.bin"))
                || Files.exists(dir.resolve("pytorch_model.bin.index.json"))
                ? " (PyTorch pickle weights are not read: convert them to safetensors)" : "";
        throw new HfFormatException(dir + " has no " + SINGLE_FILE + " and no " + INDEX_FILE + pickled);
    }

    private static HfCheckpoint openSharded(Path dir, Path index) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(index));
        } catch (IOException e) {
            throw new HfFormatException(index + " is not readable JSON: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new HfFormatException(index + " has no weight_map object");
        }
        Map<String, SafetensorsFile> byFile = new TreeMap<>();
        Map<String, SafetensorsFile> tensors = new LinkedHashMap<>();
        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            for (Map.Entry<String, JsonNode> e : map.properties()) {
                String shard = e.getValue().asText();
                if (!e.getValue().isTextual() || !isPlainFileName(shard)) {
                    throw new HfFormatException(index + ": tensor " + e.getKey() + " maps to '" + e.getValue()
                            + "', not a file name in the model directory");
                }
                SafetensorsFile file = byFile.get(shard);
                if (file == null) {
                    Path path = dir.resolve(shard);
                    if (!Files.isRegularFile(path)) {
                        throw new HfFormatException(index + ": tensor " + e.getKey() + " maps to " + shard
                                + ", which does not exist");
                    }
                    file = SafetensorsFile.open(path);
                    opened.add(file);
                    byFile.put(shard, file);
                }
                if (file.entry(e.getKey()) == null) {
                    throw new HfFormatException(index + " maps tensor " + e.getKey() + " to " + file.path()
                            + ", which does not hold it");
                }
                tensors.put(e.getKey(), file);
            }
            for (SafetensorsFile file : opened) {
                for (String name : file.header().entries().keySet()) {
                    if (tensors.get(name) != file) {
                        throw new HfFormatException("unexpected tensor " + name + " in " + file.path()
                                + ": " + index + " does not map it to that file");
                    }
                }
            }
        } catch (RuntimeException e) {
            opened.forEach(SafetensorsFile::close);
            throw e;
        }
        return new HfCheckpoint(dir, List.copyOf(opened), tensors);
    }

    /** A shard name from an untrusted index: a file directly in the model directory, nothing that escapes it. */
    private static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && !name.contains("/")
                && !name.contains("\\") && !name.contains("\0");
    }

    public Path directory() {
        return dir;
    }

    /** Names of the stored tensors. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    /** The stored entry of {@code name}, or null. */
    public SafetensorsHeader.Entry entry(String name) {
        SafetensorsFile file = tensors.get(name);
        return file == null ? null : file.entry(name);
    }

    /**
     * Fails, naming the tensor and its file, unless the stored tensors are exactly the layout's: none missing, no
     * extras, every shape equal. Rotary {@code inv_freq} buffers that older transformers versions saved are
     * skipped, as transformers skips them (they are recomputed from the config).
     */
    public void requireExactly(ParameterLayout layout) {
        requireExactly(layout, Set.of());
    }

    /**
     * The same, allowing the stored tensors named in {@code ignored} besides the layout's: a causal model's
     * {@code lm_head.weight} when its decoder becomes a reward model's.
     */
    public void requireExactly(ParameterLayout layout, Set<String> ignored) {
        for (int i = 0; i < layout.size(); i++) {
            String name = layout.names().get(i);
            SafetensorsFile file = tensors.get(name);
            if (file == null) {
                throw new HfFormatException("tensor " + name + " is missing from " + describeFiles());
            }
            long[] stored = file.entry(name).shape();
            long[] wanted = layout.shapes().get(i).getShape();
            if (!Arrays.equals(stored, wanted)) {
                throw new HfFormatException("tensor " + name + " in " + file.path() + " has shape "
                        + Arrays.toString(stored) + ", config.json implies " + Arrays.toString(wanted));
            }
            if (!file.entry(name).dtype().readableAsFloat32()) {
                throw new HfFormatException("tensor " + name + " in " + file.path() + " is "
                        + file.entry(name).dtype() + "; Aha reads weights stored as F32, F16 or BF16");
            }
        }
        for (Map.Entry<String, SafetensorsFile> e : tensors.entrySet()) {
            if (layout.indexOf(e.getKey()) < 0 && !e.getKey().endsWith(".rotary_emb.inv_freq")
                    && !ignored.contains(e.getKey())) {
                String hint = e.getKey().equals("lm_head.weight")
                        ? " (config.json says tie_word_embeddings: the head is model.embed_tokens.weight)" : "";
                throw new HfFormatException("unexpected tensor " + e.getKey() + " in " + e.getValue().path()
                        + ": the model described by config.json has no such weight" + hint);
            }
        }
    }

    /** Copies every parameter of {@code policy} from the files, as float32; call {@link #requireExactly} first. */
    public void loadInto(Policy policy) {
        loadInto(policy.parameters(), policy.layout(), Set.of());
    }

    /**
     * Copies {@code parameters} (whose names and shapes are {@code layout}) from the files, as float32, after
     * {@link #requireExactly(ParameterLayout, Set)}.
     */
    public void loadInto(List<PolicyParameter> parameters, ParameterLayout layout, Set<String> ignored) {
        requireExactly(layout, ignored);
        for (PolicyParameter p : parameters) {
            SafetensorsFile file = tensors.get(p.name());
            TensorBytes.fill(p.array(), (first, piece) -> file.readFloat32(p.name(), first, piece));
        }
    }

    private String describeFiles() {
        return files.size() == 1 ? files.get(0).path().toString()
                : dir.resolve(INDEX_FILE) + " (" + files.size() + " shards)";
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (SafetensorsFile f : files) {
            try {
                f.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
