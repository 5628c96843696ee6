package dev.aha.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyParameter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Checkpoints under one folder, each {@code step-NNNNNN/} holding:
 *
 * <pre>
 *   policy.safetensors      the weights, named as in the policy's {@link dev.aha.runtime.policy.ParameterLayout}
 *   optimizer.safetensors   AdamW moments, "m.&lt;name&gt;" and "v.&lt;name&gt;" (absent in a policy-only checkpoint)
 *   state.json              {"format", "optimizer_steps", "run": {...the caller's counters...}}
 *   policy.json             the architecture and its config (for a Hugging Face model, its config.json) and the
 *                           tokenizer, when the store was made {@link #describing} them
 * </pre>
 *
 * A checkpoint is written into a temporary folder, forced to disk and renamed into place under a name no other
 * checkpoint has; only then is {@code latest} replaced atomically, so a crash at any point leaves {@code latest}
 * naming a whole checkpoint. state.json records each file's size and CRC32C, checked on load: a truncated or
 * corrupt file is refused in one line naming it. The newest {@code keep} checkpoints are kept.
 */
public final class CheckpointStore {

    public static final String FORMAT = "aha-checkpoint-1";
    private static final String LATEST = "latest";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String POLICY = "policy.json";
    private static final String STATE = "state.json";
    private static final String TENSORS = "policy.safetensors";
    private static final String MOMENTS = "optimizer.safetensors";

    private final Path root;
    private final int keep;
    private final ObjectNode description;

    public CheckpointStore(Path root, int keep) {
        this(root, keep, null);
    }

    private CheckpointStore(Path root, int keep, ObjectNode description) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1, was " + keep);
        }
        this.root = root;
        this.keep = keep;
        this.description = description;
    }

    /**
     * The same store, writing {@code description} ({@link dev.aha.runtime.policy.PolicyFactory#describe}) as each
     * checkpoint's {@code policy.json}, so that tools rebuild the architecture from the checkpoint alone.
     */
    public CheckpointStore describing(ObjectNode description) {
        return new CheckpointStore(root, keep, description.deepCopy());
    }

    /** What a checkpoint's {@code policy.json} says, if it has one (checkpoints of older versions do not). */
    public static Optional<ObjectNode> policyDescription(Path checkpoint) {
        Path file = checkpoint.resolve(POLICY);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            if (JSON.readTree(file.toFile()) instanceof ObjectNode o) {
                return Optional.of(o);
            }
            throw new IllegalArgumentException(file + " is not a JSON object");
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    public Path root() {
        return root;
    }

    /** Writes the policy alone as checkpoint {@code step} (a cold start, an SFT result): no optimiser state. */
    public Path savePolicy(long step, Policy policy, ObjectNode run) {
        return save(step, policy, null, run);
    }

    /**
     * Writes checkpoint {@code step} and points {@code latest} at it; returns its folder.
     *
     * @param optimizer whose moments to keep for a resume, or null for a policy alone
     */
    public Path save(long step, Policy policy, AdamW optimizer, ObjectNode run) {
        try {
            Files.createDirectories(root);
            String name = freshName(String.format("step-%06d", step));
            Path staging = Files.createTempDirectory(root, "." + name + "-");
            // checksums of the tensor files are taken as they are written: a model-sized file is not read back
            Map<String, String> crcs = new LinkedHashMap<>();
            crcs.put(TENSORS, writeTensors(staging.resolve(TENSORS), policyTensors(policy)));
            if (optimizer != null) {
                crcs.put(MOMENTS, writeTensors(staging.resolve(MOMENTS), optimizerTensors(policy, optimizer)));
            }
            if (description != null) {
                Files.writeString(staging.resolve(POLICY),
                        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(description));
                crcs.put(POLICY, CheckpointFiles.crc32c(staging.resolve(POLICY)));
            }
            ObjectNode state = JSON.createObjectNode();
            state.put("format", FORMAT);
            state.put("step", step);
            state.put("optimizer_steps", optimizer == null ? 0 : optimizer.steps());
            state.set("run", run.deepCopy());
            state.set("files", CheckpointFiles.checksums(JSON, staging, crcs));
            Files.writeString(staging.resolve(STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
            for (String f : crcs.keySet()) {
                CheckpointFiles.fsync(staging.resolve(f));
            }
            CheckpointFiles.fsync(staging.resolve(STATE));
            CheckpointFiles.fsync(staging);
            Path target = root.resolve(name);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            Path pointer = Files.createTempFile(root, ".latest-", "");
            Files.writeString(pointer, name, StandardCharsets.UTF_8);
            CheckpointFiles.fsync(pointer);
            Files.move(pointer, root.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            CheckpointFiles.fsync(root);
            prune();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write checkpoint " + step + " under " + root + ": " + e, e);
        }
    }

    /**
     * A folder name no checkpoint has: a step saved twice (a periodic checkpoint, then the final one at the same
     * step) gets a suffix rather than replacing the folder {@code latest} may still name.
     */
    private String freshName(String base) {
        String name = base;
        for (int i = 1; Files.exists(root.resolve(name)); i++) {
            name = base + "." + i;
        }
        return name;
    }

    /** The folder {@code latest} names, if any. */
    public Optional<Path> latest() {
        Path pointer = root.resolve(LATEST);
        if (!Files.isRegularFile(pointer)) {
            return Optional.empty();
        }
        try {
            Path dir = root.resolve(Files.readString(pointer, StandardCharsets.UTF_8).trim());
            return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A checkpoint folder itself, or the latest checkpoint under a folder of them, or under a run's
     * {@code checkpoints/}: what a user means by "this checkpoint" on the command line.
     */
    public static Path resolve(Path dir) {
        if (Files.isRegularFile(dir.resolve("state.json"))) {
            return dir;
        }
        for (Path candidate : List.of(dir, dir.resolve("checkpoints"))) {
            Optional<Path> latest = new CheckpointStore(candidate, 1).latest();
            if (latest.isPresent()) {
                return latest.get();
            }
        }
        throw new IllegalArgumentException(dir + " holds no checkpoint (no state.json, no latest, no checkpoints/latest)");
    }

    /**
     * Restores weights and, if {@code optimizer} is not null, its moments and step count, from a checkpoint folder.
     *
     * @return the caller's run state as saved
     */
    public static ObjectNode load(Path dir, Policy policy, AdamW optimizer) {
        try {
            ObjectNode state = readState(dir);
            if (state.has("files")) { // checkpoints written before checksums were recorded have none
                CheckpointFiles.verify(dir, state.get("files"));
            }
            ComputeThreads.stopRecording();
            try (NDManager scope = policy.manager().newSubManager()) {
                Map<String, NDArray> weights = readTensors(scope, dir.resolve(TENSORS));
                FlatWeights flat = FlatWeights.allocate(policy.layout().totalBytes());
                long offset = 0;
                for (PolicyParameter p : policy.parameters()) {
                    ByteBuffer bytes = require(weights, p.name(), p, dir).toType(DataType.FLOAT32, false)
                            .toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                    offset += bytes.remaining();
                    flat.put(offset - bytes.remaining(), bytes);
                }
                policy.importWeights(flat);
                if (optimizer != null) {
                    if (!Files.isRegularFile(dir.resolve(MOMENTS))) {
                        throw new IllegalArgumentException("checkpoint " + dir + " holds a policy alone (no "
                                + "optimizer.safetensors): it can start a run (--init) but not resume one");
                    }
                    Map<String, NDArray> moments = readTensors(scope, dir.resolve(MOMENTS));
                    List<NDArray> targets = optimizer.moments();
                    int n = policy.parameters().size();
                    for (int i = 0; i < n; i++) {
                        PolicyParameter p = policy.parameters().get(i);
                        overwrite(targets.get(i), require(moments, "m." + p.name(), p, dir));
                        overwrite(targets.get(n + i), require(moments, "v." + p.name(), p, dir));
                    }
                    optimizer.setSteps(state.path("optimizer_steps").asLong());
                }
            }
            if (!(state.path("run") instanceof ObjectNode run)) {
                throw new IllegalArgumentException("checkpoint " + dir + ": state.json has no \"run\" object");
            }
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read checkpoint " + dir, e);
        }
    }

    /** state.json, checked to be an Aha checkpoint's before anything in it is used. */
    private static ObjectNode readState(Path dir) throws IOException {
        Path file = dir.resolve(STATE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("checkpoint " + dir + ": state.json is missing");
        }
        JsonNode state;
        try {
            state = JSON.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("checkpoint " + dir + ": state.json is not valid JSON ("
                    + e.getOriginalMessage() + ")");
        }
        if (!(state instanceof ObjectNode o) || !FORMAT.equals(o.path("format").asText())) {
            throw new IllegalArgumentException(dir + " is not an Aha checkpoint (format "
                    + (state == null ? "missing" : state.path("format").asText("missing")) + ", expected " + FORMAT
                    + ")");
        }
        return o;
    }

    private static NDArray require(Map<String, NDArray> tensors, String name, PolicyParameter p, Path dir) {
        NDArray a = tensors.get(name);
        if (a == null) {
            throw new IllegalArgumentException("checkpoint " + dir + " has no tensor " + name);
        }
        if (!a.getDataType().isFloating()) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + name + " is " + a.getDataType()
                    + ", not a floating-point tensor");
        }
        if (!a.getShape().equals(p.shape())) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + name + " has shape " + a.getShape()
                    + ", the policy needs " + p.shape() + " (was it saved with another policy config?)");
        }
        return a;
    }

    private static void overwrite(NDArray target, NDArray source) {
        target.muli(0).addi(source); // arithmetic, not set(buffer): set() would alias the decoded buffer
    }

    private static NDList policyTensors(Policy policy) {
        NDList list = new NDList();
        for (PolicyParameter p : policy.parameters()) {
            NDArray a = p.array().duplicate();
            a.setName(p.name());
            list.add(a);
        }
        return list;
    }

    private static NDList optimizerTensors(Policy policy, AdamW optimizer) {
        List<NDArray> moments = optimizer.moments();
        int n = policy.parameters().size();
        NDList list = new NDList();
        for (int i = 0; i < n; i++) {
            String name = policy.parameters().get(i).name();
            NDArray m = moments.get(i).duplicate();
            m.setName("m." + name);
            NDArray v = moments.get(n + i).duplicate();
            v.setName("v." + name);
            list.add(m);
            list.add(v);
        }
        return list;
    }

    /** @return the CRC32C of the bytes written, as {@link CheckpointFiles#crc32c} formats it */
    private static String writeTensors(Path file, NDList tensors) throws IOException {
        try (CheckedOutputStream out = new CheckedOutputStream(
                new BufferedOutputStream(Files.newOutputStream(file), 1 << 20), new CRC32C())) {
            tensors.encode(out, NDList.Encoding.SAFETENSORS);
            out.flush();
            return CheckpointFiles.format(out.getChecksum().getValue());
        } finally {
            tensors.close();
        }
    }

    private static Map<String, NDArray> readTensors(NDManager scope, Path file) throws IOException {
        Map<String, NDArray> byName = new HashMap<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (NDArray a : NDList.decode(scope, in)) {
                byName.put(a.getName(), a);
            }
        }
        return byName;
    }

    private void prune() throws IOException {
        List<Path> steps = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> p.getFileName().toString().startsWith("step-") && Files.isDirectory(p)).forEach(steps::add);
        }
        steps.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (int i = 0; i < steps.size() - keep; i++) {
            deleteTree(steps.get(i));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
