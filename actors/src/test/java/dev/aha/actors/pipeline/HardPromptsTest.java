package dev.aha.actors.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.pipeline.ScoredGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cold start's labels, read from a real file, and the intake counting them among used and stale groups. */
class HardPromptsTest {

    @TempDir
    Path dir;

    private static ScoredGroup group(long promptId, String prompt, long version) {
        SampledGroup g = new SampledGroup(promptId, 0, "rollout-0", version, prompt, "1", new int[] {1, 2},
                new int[][] {{3}, {4}}, new float[][] {{-1f}, {-1f}}, new String[] {"a", "b"}, new boolean[2], 0, 0, 0);
        return new ScoredGroup(g, new double[] {1, 0}, new float[] {1, -1}, new double[] {1, 0}, new double[] {1, 1},
                0);
    }

    @Test
    void shouldCountHardPromptsAmongTheGroupsUsedAndThoseDroppedAsStale() throws Exception {
        Path file = Files.writeString(dir.resolve("hard.jsonl"), String.join("\n",
                "{\"prompt\": \"Q: 1+1\", \"correct\": 0, \"k\": 4}",
                "{\"prompt\": \"Q: 2+2\", \"correct\": 3, \"k\": 4}",
                "", "{\"prompt\": \"Q: 9*9\", \"correct\": 0, \"k\": 4}"));
        HardPrompts labels = HardPrompts.load(file.toString());
        assertEquals(Boolean.TRUE, labels.hard("Q: 1+1"));
        assertEquals(Boolean.FALSE, labels.hard("Q: 2+2"));
        assertNull(labels.hard("Q: 5+5"), "not labelled");

        GroupIntake intake = new GroupIntake(3, 1, 50, false, labels);
        assertEquals(GroupIntake.Verdict.STALE, intake.offer(group(0, "Q: 9*9", 0), 2));
        assertEquals(GroupIntake.Verdict.STALE, intake.offer(group(1, "Q: 5+5", 0), 2));
        intake.offer(group(2, "Q: 1+1", 2), 2);
        intake.offer(group(3, "Q: 2+2", 2), 2);
        assertEquals(GroupIntake.Verdict.BATCH_FULL, intake.offer(group(4, "Q: 5+5", 2), 2));
        intake.take();
        HardShare h = intake.hardShare();
        assertEquals(new HardShare(2, 1, 1, 1), h, "unlabelled prompts count in neither share");
        assertEquals(0.5, h.usedShare());
        assertEquals(1.0, h.staleShare());
        assertTrue(Double.isNaN(HardShare.NONE.usedShare()));
    }

    @Test
    void shouldReadNoLabelsFromNoFileAndRefuseABadLineInOneLine() throws Exception {
        assertEquals(HardPrompts.NONE, HardPrompts.load(""));
        Path bad = Files.writeString(dir.resolve("bad.jsonl"),
                "{\"prompt\": \"Q\", \"correct\": 0}\n{\"prompt\": 3}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HardPrompts.load(bad.toString()));
        assertEquals("aha.train.hard-prompts: " + bad + " line 2: needs \"prompt\" (text) and \"correct\" (a count)",
                e.getMessage());
        assertThrows(java.io.UncheckedIOException.class, () -> HardPrompts.load(dir.resolve("none").toString()));
    }
}
