package dev.aha.runtime.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one checkpoint folder so that a crash at any point leaves either no folder or a whole one: every file goes
 * into a temporary folder, is forced to disk with the folder, and only then is the folder renamed into place.
 * state.json records each file's size and CRC32C; the tensor files' checksums are taken as they are written, so a
 * model-sized file is never read back.
 */
final class CheckpointWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointWriter() {}

    /**
     * What one checkpoint holds.
     *
     * @param moments the optimiser's moments, or null for a policy alone
     * @param optimizerSteps the optimiser's step count (0 for a policy alone)
     * @param description policy.json's content, or null for none
     * @param run the caller's counters, state.json's "run"
     * @param adapter adapter.json's content for a checkpoint of LoRA adapters, or null for a whole policy
     */
    record Contents(long step, List<StoredTensor> weights, List<StoredTensor> moments, long optimizerSteps,
            ObjectNode description, ObjectNode run, ObjectNode adapter) {

        /** A whole policy's checkpoint: no adapter record. */
        Contents(long step, List<StoredTensor> weights, List<StoredTensor> moments, long optimizerSteps,
                ObjectNode description, ObjectNode run) {
            this(step, weights, moments, optimizerSteps, description, run, null);
        }
    }

    /**
     * Writes {@code contents} as folder {@code name} under {@code root}, which must exist and hold no such folder.
     * On failure the temporary folder is deleted: a failed save leaves nothing behind.
     *
     * @return the folder
     */
    static Path write(Path root, String name, Contents contents) throws IOException {
        Path staging = Files.createTempDirectory(root, "." + name + "-");
        try {
            Map<String, String> crcs = new LinkedHashMap<>();
            crcs.put(CheckpointFiles.TENSORS,
                    CheckpointTensors.write(staging.resolve(CheckpointFiles.TENSORS), contents.weights()));
            if (contents.moments() != null) {
                crcs.put(CheckpointFiles.MOMENTS,
                        CheckpointTensors.write(staging.resolve(CheckpointFiles.MOMENTS), contents.moments()));
            }
            writeJson(staging, CheckpointFiles.POLICY, contents.description(), crcs);
            writeJson(staging, CheckpointFiles.ADAPTER, contents.adapter(), crcs);
            ObjectNode state = JSON.createObjectNode();
            state.put("format", CheckpointStore.FORMAT);
            state.put("step", contents.step());
            state.put("optimizer_steps", contents.optimizerSteps());
            state.set("run", contents.run().deepCopy());
            state.set("files", CheckpointFiles.checksums(JSON, staging, crcs));
            Files.writeString(staging.resolve(CheckpointFiles.STATE),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
            for (String f : crcs.keySet()) {
                CheckpointFiles.fsync(staging.resolve(f));
            }
            CheckpointFiles.fsync(staging.resolve(CheckpointFiles.STATE));
            CheckpointFiles.fsync(staging);
            Path target = root.resolve(name);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(staging, e);
            throw e;
        }
    }

    /** Writes {@code content} as file {@code name} of {@code dir} and records its CRC32C; nothing for null. */
    private static void writeJson(Path dir, String name, ObjectNode content, Map<String, String> crcs)
            throws IOException {
        if (content != null) {
            Path file = dir.resolve(name);
            Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(content));
            crcs.put(name, CheckpointFiles.crc32c(file));
        }
    }

    private static void deleteQuietly(Path staging, Exception failure) {
        try {
            if (Files.exists(staging)) {
                StepFolders.deleteTree(staging);
            }
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e); // the write's failure is the one to report
        }
    }
}
