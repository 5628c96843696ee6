package dev.aha.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.runtime.rejection.SampleRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The gold rule labels the pairs: only samples of one prompt whose gold rewards and texts differ pair up, the higher
 * one chosen, at most a few pairs a prompt. And the benchmark's options are refused in one line before anything runs.
 */
class GoldPairsTest {

    private static SampleRecord sample(int i, double reward, String completion) {
        return new SampleRecord("p1", i, 4, 0, reward >= 1, reward > 0, true, reward, Map.of(), 5, false, "7",
                "What is 3+4?", completion);
    }

    @Test
    void samplesWithDifferentGoldRewardsPairUpTheHigherOneChosen() {
        List<SampleRecord> samples = List.of(sample(0, 0.2, "a"), sample(1, 1.2, "b"), sample(2, 0.2, "c"),
                sample(3, 1.2, "b"));
        List<SampleRecord[]> pairs = GoldPairs.pairs(samples, 10);
        // 0-1, 1-2, 2-3, 0-3: equal rewards (0-2, 1-3) never pair
        assertEquals(4, pairs.size());
        for (SampleRecord[] p : pairs) {
            assertTrue(p[0].reward() > p[1].reward(), p[0].reward() + " vs " + p[1].reward());
        }
        assertEquals(2, GoldPairs.pairs(samples, 2).size(), "at most perPrompt pairs");
        assertEquals(0, GoldPairs.pairs(List.of(sample(0, 0.2, "a"), sample(1, 0.2, "b")), 4).size());
    }

    @Test
    void fewerThanTwoSizesOfPairsAreRefusedBeforeAnythingRuns() {
        RmOveroptimizationBench bench = new RmOveroptimizationBench();
        new CommandLine(bench).parseArgs("--pairs", "100,100", "--out", "/nonexistent/never-written");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bench::call);
        assertTrue(e.getMessage().startsWith("--pairs needs at least two sizes"), e.getMessage());
    }
}
