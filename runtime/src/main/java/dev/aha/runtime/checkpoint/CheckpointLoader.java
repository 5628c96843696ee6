package dev.aha.runtime.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.hf.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
            if (!(state.path("run") instanceof ObjectNode run)) {
                throw new IllegalArgumentException("checkpoint " + dir + ": state.json has no \"run\" object");
            }
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
