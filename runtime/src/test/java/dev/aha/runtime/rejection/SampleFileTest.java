package dev.aha.runtime.rejection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.runtime.metrics.MetricsLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A killed aha sample leaves a partial last group, perhaps a torn line: recovery cuts exactly that off. */
class SampleFileTest {

    @TempDir
    Path dir;

    private static List<SampleRecord> group(String id, int k) {
        List<SampleRecord> g = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            g.add(Samples.line(id, i).k(k).build());
        }
        return g;
    }

    private static String text(List<SampleRecord> lines) throws Exception {
        StringBuilder b = new StringBuilder();
        for (SampleRecord r : lines) {
            b.append(MetricsLog.JSON.writeValueAsString(r.toJson())).append('\n');
        }
        return b.toString();
    }

    @Test
    void appendsWholeGroupsAndReadsThemBack() throws Exception {
        Path file = dir.resolve("s.jsonl");
        try (SampleFile f = SampleFile.open(file, 3, 3)) {
            assertEquals(0, f.recovered().groups());
            f.append(group("a", 3));
            f.append(group("b", 3));
        }
        try (SampleFile f = SampleFile.open(file, 3, 3)) {
            assertEquals(Set.of("a", "b"), f.recovered().complete());
            assertEquals(6, f.recovered().lines());
            assertEquals(0, f.recovered().droppedBytes());
        }
        assertEquals(text(group("a", 3)) + text(group("b", 3)), Files.readString(file));
    }

    @Test
    void cutsAnUnfinishedGroupAndATornLine() throws Exception {
        Path file = dir.resolve("s.jsonl");
        String whole = text(group("a", 3)) + text(group("b", 3));
        String partial = text(group("c", 3));
        int cut = partial.indexOf('\n', partial.indexOf('\n') + 1) - 10; // c's first line and most of its second
        Files.writeString(file, whole + partial.substring(0, cut));
        try (SampleFile f = SampleFile.open(file, 3, 3)) {
            assertEquals(Set.of("a", "b"), f.recovered().complete());
            assertEquals(1, f.recovered().droppedLines(), "c's first line; its torn second is not a line");
            assertEquals(cut, f.recovered().droppedBytes());
            assertEquals(whole, Files.readString(file), "cut after b's last line");
            f.append(group("c", 3));
        }
        assertEquals(whole + partial, Files.readString(file));
    }

    @Test
    void aTornLineAloneIsCutToo() throws Exception {
        Path file = dir.resolve("s.jsonl");
        String whole = text(group("a", 2));
        Files.writeString(file, whole + "{\"prompt_id\":\"b\",\"sam");
        try (SampleFile f = SampleFile.open(file, 2, 3)) {
            assertEquals(Set.of("a"), f.recovered().complete());
            assertEquals(0, f.recovered().droppedLines());
        }
        assertEquals(whole, Files.readString(file));
    }

    @Test
    void refusesWhatNoKillLeaves() throws Exception {
        Path file = dir.resolve("s.jsonl");
        Files.writeString(file, text(group("a", 3)));
        assertRefused(file, 4, 3, ":1: was written with --k 3, this run samples 4");
        assertRefused(file, 3, 9, ":1: holds samples of policy version 3, this checkpoint is version 9");

        Files.writeString(file, "not json\n" + text(group("a", 3)));
        assertRefused(file, 3, 3, ":1: not JSON");

        List<SampleRecord> interleaved = new ArrayList<>(group("a", 3));
        interleaved.add(1, Samples.line("b", 0).k(3).build());
        Files.writeString(file, text(interleaved));
        assertRefused(file, 3, 3, ":2: prompt a (from line 1) has 1 of its 3 samples, then b begins");

        Files.writeString(file, text(group("a", 3)) + text(group("a", 3)));
        assertRefused(file, 3, 3, ":4: prompt a was sampled before");
        Files.writeString(file, text(group("a", 3)), StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static void assertRefused(Path file, int k, long version, String expected) throws Exception {
        long size = Files.size(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SampleFile.open(file, k,
                version));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(size, Files.size(file), "a refused file is left as it was");
    }
}
