package dev.aha.runtime.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.lora.LoraPolicy;
import dev.aha.runtime.policy.lora.LoraRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Checkpoints under one folder, each {@code step-NNNNNN/} holding:
 *
 * <pre>
 *   policy.safetensors      the weights (F32), named as in the policy's {@link dev.aha.runtime.policy.ParameterLayout}
 *   optimizer.safetensors   AdamW moments, "m.&lt;name&gt;" and "v.&lt;name&gt;" (absent in a policy-only checkpoint)
 *   state.json              {"format", "step", "optimizer_steps", "run": {...the caller's counters...},
 *                            "files": {name: {"bytes", "crc32c"}}}
 *   policy.json             the architecture and its config (for a Hugging Face model, its config.json) and the
 *                           tokenizer, when the store was made {@link #describing} them
 *   adapter.json            for a policy with LoRA adapters ({@link LoraPolicy}): their settings and layers and
 *                           their base by name and SHA-256 ({@link LoraRecord}); the two tensor files then hold the
 *                           adapters and their moments alone, and the checkpoint loads only onto that base
 * </pre>
 *
 * A checkpoint is written into a temporary folder, forced to disk and renamed into place under a name no other
 * checkpoint has ({@link CheckpointWriter}); only then is {@code latest} replaced atomically, so a crash at any point
 * leaves {@code latest} naming a whole checkpoint. Tensor files stream one tensor at a time between the arrays and
 * the disk ({@link CheckpointTensors}), so a save or load needs no second copy of the weights or moments. Loading
 * ({@link CheckpointLoader}) checks each file's size and CRC32C first: a truncated or corrupt file is refused in one
 * line naming it. The newest {@code keep} checkpoints, by step number, are kept ({@link StepFolders}).
 */
public final class CheckpointStore {

    public static final String FORMAT = "aha-checkpoint-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final int keep;
    private final ObjectNode description;
    private final StepFolders folders;

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
        this.folders = new StepFolders(root);
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
        Path file = checkpoint.resolve(CheckpointFiles.POLICY);
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

    /** The record of the LoRA adapters a checkpoint holds, if it holds adapters rather than a whole policy. */
    public static Optional<LoraRecord> adapters(Path checkpoint) {
        return CheckpointLoader.adapters(checkpoint);
    }

    /** The caller's counters a checkpoint saved (state.json's "run"), its files verified; no tensor is read. */
    public static ObjectNode runState(Path checkpoint) {
        return CheckpointLoader.runState(checkpoint);
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
            String name = folders.freshName(step);
            Path target = CheckpointWriter.write(root, name, new CheckpointWriter.Contents(step,
                    StoredTensor.weights(policy), optimizer == null ? null : StoredTensor.moments(policy, optimizer),
                    optimizer == null ? 0 : optimizer.steps(), description, run,
                    policy instanceof LoraPolicy lora ? LoraRecord.of(lora).toJson() : null));
            folders.pointLatestAt(name);
            folders.prune(keep);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write checkpoint " + step + " under " + root + ": " + e, e);
        }
    }

    /** The folder {@code latest} names, if any. */
    public Optional<Path> latest() {
        return folders.latest();
    }

    /**
     * A checkpoint folder itself, or the latest checkpoint under a folder of them, or under a run's
     * {@code checkpoints/}: what a user means by "this checkpoint" on the command line.
     */
    public static Path resolve(Path dir) {
        if (Files.isRegularFile(dir.resolve(CheckpointFiles.STATE))) {
            return dir;
        }
        for (Path candidate : List.of(dir, dir.resolve("checkpoints"))) {
            Optional<Path> latest = new StepFolders(candidate).latest();
            if (latest.isPresent()) {
                return latest.get();
            }
        }
        throw new IllegalArgumentException(dir + " holds no checkpoint (no state.json, no latest, no checkpoints/latest)");
    }

    /**
     * Restores weights and, if {@code optimizer} is not null, its moments and step count, from a checkpoint folder.
     * Every file and tensor is checked before any is read in: a refused checkpoint leaves both as they were.
     *
     * @return the caller's run state as saved
     */
    public static ObjectNode load(Path dir, Policy policy, AdamW optimizer) {
        return CheckpointLoader.load(dir, policy, optimizer);
    }
}
