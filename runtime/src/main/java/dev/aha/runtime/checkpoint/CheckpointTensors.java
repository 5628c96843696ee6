package dev.aha.runtime.checkpoint;

import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.policy.hf.SafetensorsDType;
import dev.aha.runtime.policy.hf.SafetensorsFile;
import dev.aha.runtime.policy.hf.SafetensorsHeader;
import dev.aha.runtime.policy.hf.SafetensorsWriter;
import dev.aha.runtime.policy.hf.TensorBytes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint's tensor files, in the same safetensors codec as Hugging Face models: written as F32 one tensor at a
 * time straight from each array's memory through a file channel (the checksum taken on the way), and read back
 * straight into the arrays. No second copy of the weights or moments is made either way, and offsets are 64-bit,
 * so a file may pass 2 GiB. Files that earlier versions wrote through DJL are standard safetensors and read alike.
 */
final class CheckpointTensors {

    private CheckpointTensors() {}

    /**
     * Writes {@code tensors}, in order, to the new file {@code file}, without forcing it to disk.
     *
     * @return the file's CRC32C, as {@link CheckpointFiles#format} spells it
     */
    static String write(Path file, List<StoredTensor> tensors) throws IOException {
        List<SafetensorsWriter.Tensor> sources = new ArrayList<>();
        for (StoredTensor t : tensors) {
            sources.add(new SafetensorsWriter.Tensor(t.name(), t.array().getShape().getShape(),
                    use -> TensorBytes.read(t.array(), use)));
        }
        try (ChecksummingChannel out = new ChecksummingChannel(
                FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
            SafetensorsWriter.write(out, sources, SafetensorsDType.F32, Map.of());
            return CheckpointFiles.format(out.crc32c());
        }
    }

    /**
     * Opens {@code name} in checkpoint {@code dir} and checks that it holds every target, as floats of the target's
     * shape, before anything is read into one: a checkpoint that does not fit leaves the arrays as they were.
     *
     * @throws IllegalArgumentException naming the checkpoint and the first tensor that is missing or does not fit
     */
    static SafetensorsFile openFor(Path dir, String name, List<StoredTensor> targets) {
        SafetensorsFile file = SafetensorsFile.open(dir.resolve(name));
        try {
            for (StoredTensor t : targets) {
                check(dir, file.entry(t.name()), t);
            }
            return file;
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Copies every target's values from {@code file}, which {@link #openFor} checked against them. */
    static void readInto(SafetensorsFile file, List<StoredTensor> targets) {
        for (StoredTensor t : targets) {
            TensorBytes.fill(t.array(), (first, piece) -> file.readFloat32(t.name(), first, piece));
        }
    }

    private static void check(Path dir, SafetensorsHeader.Entry stored, StoredTensor target) {
        if (stored == null) {
            throw new IllegalArgumentException("checkpoint " + dir + " has no tensor " + target.name());
        }
        if (!stored.dtype().readableAsFloat32()) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + target.name() + " is " + stored.dtype()
                    + (isFloatingPoint(stored.dtype()) ? "; Aha reads F32, F16 or BF16"
                            : ", not a floating-point tensor"));
        }
        Shape wanted = target.array().getShape();
        if (!Arrays.equals(stored.shape(), wanted.getShape())) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + target.name() + " has shape "
                    + new Shape(stored.shape()) + ", the policy needs " + wanted
                    + " (was it saved with another policy config?)");
        }
    }

    private static boolean isFloatingPoint(SafetensorsDType type) {
        return type.name().startsWith("F") || type == SafetensorsDType.BF16;
    }
}
