package dev.aha.runtime.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.hf.SafetensorsFile;
import dev.aha.runtime.policy.lora.LoraPolicy;
import dev.aha.runtime.policy.lora.LoraRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Restores a policy (and its optimiser) from one checkpoint folder. Everything is checked before any array is
 * written: state.json, every file against its recorded size and checksum, every tensor's presence, type and shape.
 * A checkpoint that fails a check is refused in one line and leaves the policy as it was.
 */
final class CheckpointLoader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointLoader() {}

    /** See {@link CheckpointStore#load}. */
    static ObjectNode load(Path dir, Policy policy, AdamW optimizer) {
        try {
            ObjectNode state = verifiedState(dir);
            ObjectNode run = run(dir, state);
            requireAdaptersFit(dir, policy);
            List<StoredTensor> weights = StoredTensor.weights(policy);
            List<StoredTensor> moments = optimizer == null ? List.of() : StoredTensor.moments(policy, optimizer);
            if (optimizer != null && !Files.isRegularFile(dir.resolve(CheckpointFiles.MOMENTS))) {
                throw new IllegalArgumentException("checkpoint " + dir + " holds a policy alone (no "
                        + CheckpointFiles.MOMENTS + "): it can start a run (--init) but not resume one");
            }
            ComputeThreads.stopRecording();
            try (SafetensorsFile weightFile = CheckpointTensors.openFor(dir, CheckpointFiles.TENSORS, weights);
                    SafetensorsFile momentFile = optimizer == null ? null
                            : CheckpointTensors.openFor(dir, CheckpointFiles.MOMENTS, moments)) {
                CheckpointTensors.readInto(weightFile, weights);
                if (momentFile != null) {
                    CheckpointTensors.readInto(momentFile, moments);
                    optimizer.setSteps(state.path("optimizer_steps").asLong());
                }
            }
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read checkpoint " + dir, e);
        }
    }

    /** See {@link CheckpointStore#runState}. */
    static ObjectNode runState(Path dir) {
        try {
            return run(dir, verifiedState(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read checkpoint " + dir, e);
        }
    }

    private static ObjectNode run(Path dir, ObjectNode state) {
        if (!(state.path("run") instanceof ObjectNode run)) {
            throw new IllegalArgumentException("checkpoint " + dir + ": state.json has no \"run\" object");
        }
        return run;
    }

    /** See {@link CheckpointStore#adapters}: adapter.json checked against its recorded size and CRC32C first. */
    static Optional<LoraRecord> adapters(Path dir) {
        Path file = dir.resolve(CheckpointFiles.ADAPTER);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode recorded = readState(dir).path("files").path(CheckpointFiles.ADAPTER);
            if (!recorded.isMissingNode()) {
                CheckpointFiles.verify(dir, JSON.createObjectNode().set(CheckpointFiles.ADAPTER, recorded));
            }
            return Optional.of(LoraRecord.fromJson(JSON.readTree(Files.readString(file)), "checkpoint " + dir));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + CheckpointFiles.ADAPTER
                    + " is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    /**
     * Adapters load only onto an adapted policy they fit ({@link LoraRecord#requireFits}), and a whole policy only
     * from a checkpoint of a whole policy.
     */
    private static void requireAdaptersFit(Path dir, Policy policy) {
        Optional<LoraRecord> record = adapters(dir);
        if (policy instanceof LoraPolicy lora) {
            record.orElseThrow(() -> new IllegalArgumentException("checkpoint " + dir + " holds a whole policy, no "
                    + "LoRA adapters (it was saved with aha.lora.rank = 0): it cannot resume a LoRA run"))
                    .requireFits(lora, "checkpoint " + dir);
        } else if (record.isPresent()) {
            LoraRecord r = record.get();
            throw new IllegalArgumentException("checkpoint " + dir + " holds LoRA adapters (rank "
                    + r.settings().rank() + " on " + r.base().model() + "), not a whole policy: set aha.lora as it "
                    + "was saved, or write the merged model with aha export --merge");
        }
    }

    /**
     * state.json, checked to be an Aha checkpoint's, with every file it lists checked against its recorded size and
     * CRC32C (checkpoints written before checksums were recorded list none).
     */
    static ObjectNode verifiedState(Path dir) throws IOException {
        ObjectNode state = readState(dir);
        if (state.has("files")) {
            CheckpointFiles.verify(dir, state.get("files"));
        }
        return state;
    }

    private static ObjectNode readState(Path dir) throws IOException {
        Path file = dir.resolve(CheckpointFiles.STATE);
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
        if (!(state instanceof ObjectNode o) || !CheckpointStore.FORMAT.equals(o.path("format").asText())) {
            throw new IllegalArgumentException(dir + " is not an Aha checkpoint (format "
                    + (state == null ? "missing" : state.path("format").asText("missing")) + ", expected "
                    + CheckpointStore.FORMAT + ")");
        }
        return o;
    }
}
