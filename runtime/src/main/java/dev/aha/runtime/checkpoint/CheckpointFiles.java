package dev.aha.runtime.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The files of one checkpoint on disk: their checksums (recorded in state.json, verified on load) and the fsyncs
 * that make a renamed folder hold what was written, not whatever the page cache had flushed when the power went.
 */
final class CheckpointFiles {

    static final String STATE = "state.json";
    static final String POLICY = "policy.json";
    static final String TENSORS = "policy.safetensors";
    static final String MOMENTS = "optimizer.safetensors";
    static final String ADAPTER = "adapter.json";

    private CheckpointFiles() {}

    /** {"policy.safetensors": {"bytes": n, "crc32c": "89abcdef"}, ...} for files of {@code dir} and their CRCs. */
    static ObjectNode checksums(ObjectMapper json, Path dir, Map<String, String> crcs) throws IOException {
        ObjectNode files = json.createObjectNode();
        for (Map.Entry<String, String> e : crcs.entrySet()) {
            files.putObject(e.getKey()).put("bytes", Files.size(dir.resolve(e.getKey()))).put("crc32c", e.getValue());
        }
        return files;
    }

    /**
     * Checks every file {@code recorded} lists against its size and checksum.
     *
     * @throws IllegalArgumentException naming the checkpoint and the first file that is missing, truncated or corrupt
     */
    static void verify(Path dir, JsonNode recorded) throws IOException {
        if (!recorded.isObject()) {
            throw new IllegalArgumentException("checkpoint " + dir + ": state.json's \"files\" is not an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = recorded.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            Path f = dir.resolve(e.getKey()).normalize();
            if (!f.getParent().equals(dir.normalize())) {
                throw new IllegalArgumentException("checkpoint " + dir + ": state.json lists a file outside it: "
                        + e.getKey());
            }
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("checkpoint " + dir + ": " + e.getKey() + " is missing");
            }
            long bytes = Files.size(f);
            if (bytes != e.getValue().path("bytes").asLong(-1)) {
                throw new IllegalArgumentException("checkpoint " + dir + ": " + e.getKey() + " has " + bytes
                        + " bytes, " + e.getValue().path("bytes").asLong(-1) + " were written (truncated?)");
            }
            String crc = crc32c(f);
            if (!crc.equals(e.getValue().path("crc32c").asText())) {
                throw new IllegalArgumentException("checkpoint " + dir + ": " + e.getKey() + " is corrupt (CRC32C "
                        + crc + ", " + e.getValue().path("crc32c").asText() + " was written)");
            }
        }
    }

    static String crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0;) {
                crc.update(buffer, 0, n);
            }
        }
        return format(crc.getValue());
    }

    static String format(long crc32c) {
        return String.format("%08x", crc32c);
    }

    /** Forces a file, or a folder's entries, to disk. */
    static void fsync(Path path) throws IOException {
        boolean dir = Files.isDirectory(path);
        try (FileChannel c = FileChannel.open(path, dir ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            c.force(true);
        } catch (IOException e) {
            if (!dir) {
                throw e; // some file systems cannot open a folder for fsync; its files are forced all the same
            }
        }
    }
}
