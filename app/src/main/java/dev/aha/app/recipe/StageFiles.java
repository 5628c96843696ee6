package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aha.runtime.metrics.MetricsLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** File chores of the stages: JSON written whole or not at all, a killed stage's leftovers removed. */
final class StageFiles {

    private StageFiles() {}

    /**
     * Writes {@code json} beside {@code file}, forces it to disk and renames it into place: a reader (or a re-run
     * after a kill) sees the old file or the new one, never part of one.
     */
    static void writeJson(Path file, JsonNode json) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path staging = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp");
            try {
                Files.writeString(staging, MetricsLog.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json)
                        + "\n");
                try (FileChannel channel = FileChannel.open(staging, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                Files.move(staging, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(staging);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Deletes {@code dir} and everything under it, if it exists. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
