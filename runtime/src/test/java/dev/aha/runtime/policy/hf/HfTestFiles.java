package dev.aha.runtime.policy.hf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Test helpers: copy model directories, read and rewrite their tensors. */
final class HfTestFiles {

    private HfTestFiles() {}

    static Path copyDir(Path from, Path to) {
        try {
            Files.createDirectories(to);
            try (Stream<Path> files = Files.list(from)) {
                for (Path f : files.toList()) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every tensor of a safetensors file as float32, in file order, with its shape. */
    static Map<String, float[]> readAll(Path file, Map<String, long[]> shapes) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (SafetensorsHeader.Entry e : f.header().entries().values()) {
                out.put(e.name(), f.readFloats(e.name()));
                shapes.put(e.name(), e.shape());
            }
        }
        return out;
    }

    static void write(Path file, Map<String, float[]> tensors, Map<String, long[]> shapes) {
        List<SafetensorsWriter.Tensor> list = new ArrayList<>();
        tensors.forEach((name, values) -> list.add(new SafetensorsWriter.Tensor(name, shapes.get(name), use -> {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            use.accept(b);
        })));
        try {
            SafetensorsWriter.write(file, list, SafetensorsDType.F32, Map.of("format", "pt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names and shapes of the tensors stored in a model directory (single file or shards). */
    static Map<String, List<Long>> storedShapes(Path dir) {
        Map<String, List<Long>> out = new java.util.TreeMap<>();
        try (HfCheckpoint c = HfCheckpoint.open(dir)) {
            for (String name : c.names()) {
                List<Long> shape = new ArrayList<>();
                for (long d : c.entry(name).shape()) {
                    shape.add(d);
                }
                out.put(name, shape);
            }
        }
        return out;
    }
}
