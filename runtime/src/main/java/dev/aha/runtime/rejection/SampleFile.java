package dev.aha.runtime.rejection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aha.runtime.metrics.MetricsLog;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code aha sample}'s output file, written so that a killed run (kill -9 at any point) continues where it stopped.
 *
 * <p>A prompt's k lines are written together with one write and a flush, so a kill can only leave the file ending in
 * a partial group: some of a group's lines, the last of them perhaps cut mid-line. {@link #open} reads the file back
 * line by line (only the ids of complete groups are kept, never the samples), cuts it after its last complete group,
 * and appends from there: a re-run with the same {@code --out} writes no line twice and loses none. The file is not
 * fsynced per group: a kill of the process loses nothing flushed; a power cut may lose the last groups, which the
 * next run then samples again.
 *
 * <p>What cannot be a torn write is refused, naming the line: a line that is not JSON before the last one, a group
 * interrupted by another prompt's lines, a group size or policy version other than this run's (mixing them would
 * make one file of two experiments), a prompt sampled twice.
 */
public final class SampleFile implements AutoCloseable {

    /**
     * What an existing file held.
     *
     * @param complete ids of the prompts whose whole group is in the file
     * @param lines lines kept (complete groups)
     * @param droppedLines whole lines of an unfinished last group, cut off
     * @param droppedBytes bytes cut off, the torn last line's included
     */
    public record Recovered(Set<String> complete, long lines, int droppedLines, long droppedBytes) {
        public int groups() {
            return complete.size();
        }
    }

    private final Path path;
    private final OutputStream out;
    private final Recovered recovered;

    private SampleFile(Path path, OutputStream out, Recovered recovered) {
        this.path = path;
        this.out = out;
        this.recovered = recovered;
    }

    /**
     * Opens {@code path} for appending groups of {@code k} lines sampled from {@code policyVersion}, first recovering
     * what a previous run left there (see the class comment). A missing file is created.
     */
    public static SampleFile open(Path path, int k, long policyVersion) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Recovered recovered = Files.isRegularFile(path) ? recover(path, k, policyVersion)
                    : new Recovered(Set.of(), 0, 0, 0);
            OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            return new SampleFile(path, out, recovered);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + path + ": " + e.getMessage(), e);
        }
    }

    public Recovered recovered() {
        return recovered;
    }

    public Path path() {
        return path;
    }

    /** Writes one prompt's whole group with one write, then flushes it to the operating system. */
    public void append(List<SampleRecord> group) {
        StringBuilder lines = new StringBuilder();
        try {
            for (SampleRecord r : group) {
                lines.append(MetricsLog.JSON.writeValueAsString(r.toJson())).append('\n');
            }
            out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the file back (streaming: ids only) and cuts it after its last complete group. */
    static Recovered recover(Path path, int k, long policyVersion) throws IOException {
        Set<String> complete = new HashSet<>();
        long safeEnd = 0; // bytes up to the end of the last complete group
        long safeLines = 0;
        long offset = 0;
        int number = 0;
        String group = null; // the prompt id of the group being read
        int inGroup = 0;
        int groupStartLine = 0;
        boolean torn = false;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            while (true) {
                Line line = nextLine(in, buffer);
                if (line == null) {
                    break;
                }
                number++;
                offset += line.bytes();
                if (!line.terminated()) {
                    torn = true; // a torn last line: cut off below
                    break;
                }
                JsonNode node = parse(path, number, line.text());
                String id = node.path("prompt_id").asText("");
                int sample = node.path("sample").asInt(-1);
                int lineK = node.path("k").asInt(-1);
                long version = node.path("policy_version").asLong(-1);
                if (id.isEmpty() || sample < 0 || lineK < 1) {
                    throw problem(path, number, "not a line of aha sample (prompt_id, sample, k missing)");
                }
                if (lineK != k) {
                    throw problem(path, number, "was written with --k " + lineK + ", this run samples " + k
                            + ": give --k " + lineK + " to continue it, or another --out");
                }
                if (version != policyVersion) {
                    throw problem(path, number, "holds samples of policy version " + version + ", this checkpoint is "
                            + "version " + policyVersion + ": give another --out");
                }
                if (inGroup > 0 && !id.equals(group)) {
                    throw problem(path, number, "prompt " + group + " (from line " + groupStartLine + ") has "
                            + inGroup + " of its " + k + " samples, then " + id + " begins: not a file aha sample wrote");
                }
                if (inGroup == 0) {
                    if (complete.contains(id)) {
                        throw problem(path, number, "prompt " + id + " was sampled before in this file");
                    }
                    group = id;
                    groupStartLine = number;
                }
                if (sample != inGroup) {
                    throw problem(path, number, "sample " + sample + " of " + id + " where sample " + inGroup
                            + " belongs");
                }
                inGroup++;
                if (inGroup == k) {
                    complete.add(id);
                    safeEnd = offset;
                    safeLines = number;
                    inGroup = 0;
                }
            }
        }
        long size = Files.size(path);
        if (safeEnd < size) {
            try (FileChannel c = FileChannel.open(path, StandardOpenOption.WRITE)) {
                c.truncate(safeEnd);
                c.force(true);
            }
        }
        return new Recovered(Set.copyOf(complete), safeLines, (int) (number - safeLines) - (torn ? 1 : 0),
                size - safeEnd);
    }

    private record Line(String text, long bytes, boolean terminated) {}

    private static Line nextLine(InputStream in, ByteArrayOutputStream buffer) throws IOException {
        buffer.reset();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            buffer.write(b);
        }
        if (b == -1 && buffer.size() == 0) {
            return null;
        }
        boolean terminated = b == '\n';
        return new Line(buffer.toString(StandardCharsets.UTF_8), buffer.size() + (terminated ? 1 : 0), terminated);
    }

    private static JsonNode parse(Path path, int number, String text) {
        try {
            return MetricsLog.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw problem(path, number, "not JSON (" + e.getOriginalMessage() + "): not a torn last line, so the "
                    + "file is not aha sample's to continue");
        }
    }

    private static IllegalArgumentException problem(Path path, int number, String what) {
        return new IllegalArgumentException(path + ":" + number + ": " + what);
    }
}
