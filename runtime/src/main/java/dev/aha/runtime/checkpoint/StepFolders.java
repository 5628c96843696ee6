package dev.aha.runtime.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folders under a checkpoint root: {@code step-NNNNNN} names (with {@code .k} when a step is saved again), the
 * {@code latest} pointer, and pruning to the newest few. Steps are ordered as numbers, not text: {@code
 * step-1000000} is newer than {@code step-999999}, though it sorts first as a string once the step outgrows the
 * zero padding.
 */
final class StepFolders {

    static final String LATEST = "latest";
    private static final Pattern NAME = Pattern.compile("step-(\\d+)(?:\\.(\\d+))?");

    /** Oldest first: by step, then by the suffix of a step saved again. */
    static final Comparator<String> OLDEST_FIRST = Comparator
            .comparing((String name) -> part(name, 1), StepFolders::compareNumbers)
            .thenComparing(name -> part(name, 2), StepFolders::compareNumbers);

    private final Path root;

    StepFolders(Path root) {
        this.root = root;
    }

    /**
     * A folder name for {@code step} that no folder has: a step saved twice (a periodic checkpoint, then the final
     * one at the same step) gets a suffix rather than replacing the folder {@code latest} may still name.
     */
    String freshName(long step) {
        String base = String.format("step-%06d", step);
        String name = base;
        for (int i = 1; Files.exists(root.resolve(name)); i++) {
            name = base + "." + i;
        }
        return name;
    }

    /** The folder {@code latest} names, if any. */
    Optional<Path> latest() {
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

    /** Replaces {@code latest} atomically with a pointer to folder {@code name}, forced to disk. */
    void pointLatestAt(String name) throws IOException {
        Path pointer = Files.createTempFile(root, ".latest-", "");
        Files.writeString(pointer, name, StandardCharsets.UTF_8);
        CheckpointFiles.fsync(pointer);
        Files.move(pointer, root.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        CheckpointFiles.fsync(root);
    }

    /**
     * Deletes all but the newest {@code keep} step folders. The one {@code latest} names is kept whatever its step
     * (a run restarted at a lower step into the same folder), so {@code latest} always names a whole checkpoint.
     */
    void prune(int keep) throws IOException {
        List<Path> steps = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                    .forEach(steps::add);
        }
        steps.sort(Comparator.comparing(p -> p.getFileName().toString(), OLDEST_FIRST));
        int surplus = steps.size() - keep;
        latest().ifPresent(dir -> steps.removeIf(p -> p.getFileName().equals(dir.getFileName())));
        for (int i = 0; i < surplus && i < steps.size(); i++) {
            deleteTree(steps.get(i));
        }
    }

    /** Deletes {@code dir} and everything in it. */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Group {@code group} of a step folder's name, "" when absent (a folder saved once sorts before its copies). */
    private static String part(String name, int group) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException(name + " is not a step folder name");
        }
        return m.group(group) == null ? "" : m.group(group);
    }

    /** Compares decimal digit strings by value, whatever their length: no overflow, leading zeros ignored. */
    private static int compareNumbers(String a, String b) {
        String x = a.replaceFirst("^0+", "");
        String y = b.replaceFirst("^0+", "");
        return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
    }
}
