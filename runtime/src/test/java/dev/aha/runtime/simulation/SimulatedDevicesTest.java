package dev.aha.runtime.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.grpo.GrpoSample;
import dev.aha.runtime.sampling.Completion;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import dev.aha.runtime.rollout.ContinuousBatcher.FinishedGroup;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimulatedDevicesTest {

    private static SimulationSettings settings(Duration decode, Duration train) {
        return new SimulationSettings(decode, Duration.ZERO, train, 200, 0.6, 1024, 4096);
    }

    @Test
    void lengthsFollowTheLogNormalMedianAndAreCutAtTheCap() {
        ResponseLengths lengths = new ResponseLengths(200, 1.0, 1024);
        Random r = new Random(1);
        int[] drawn = new int[20_000];
        for (int i = 0; i < drawn.length; i++) {
            drawn[i] = lengths.next(r);
        }
        Arrays.sort(drawn);
        assertEquals(200, drawn[drawn.length / 2], 10, "median");
        assertEquals(1024, drawn[drawn.length - 1], "the cap");
        assertTrue(drawn[0] >= 1);
        // the tail: exp(1.645) = 5.2x the median at the 95th percentile
        assertEquals(200 * Math.exp(1.645), drawn[(int) (drawn.length * 0.95)], 60);
    }

    @Test
    void aGroupCostsItsLongestCompletionInWallTimeNotCpu() {
        SimulatedEngine device = new SimulatedEngine(settings(Duration.ofNanos(200_000), Duration.ZERO), 8, 100, 1);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        run(device, 1L, new int[] {5, 6}, 8); // warm up
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        List<Completion> group = run(device, 2L, new int[] {5, 6, 7}, 8);
        long wall = System.nanoTime() - wall0;
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;

        assertEquals(8, group.size());
        int longest = group.stream().mapToInt(Completion::length).max().orElseThrow();
        assertTrue(wall >= longest * 200_000L, "spent at least longest x decode-per-token: " + wall);
        assertTrue(cpu < wall / 5, "parked, not spinning: cpu " + cpu + " ns of " + wall + " ns");
        for (Completion c : group) {
            assertEquals(c.tokens().length, c.logProbs().length);
            assertTrue(Arrays.stream(c.tokens()).allMatch(t -> t >= 1 && t < 100));
            assertTrue(!c.finished() || c.tokens()[c.length() - 1] == 1, "a finished completion ends on END");
        }
    }

    @Test
    void slotsFreeAsSequencesEndAndTokensRecordTheirVersion() {
        SimulatedEngine device = new SimulatedEngine(settings(Duration.ZERO, Duration.ZERO), 10, 100, 1);
        device.loadWeights(FlatWeights.allocate(4096), 3);
        device.admit(1L, new int[] {5}, 4, 11L);
        device.admit(2L, new int[] {6}, 4, 12L);
        assertEquals(2, device.freeSlots());
        assertThrows(IllegalArgumentException.class, () -> device.admit(3L, new int[] {7}, 4, 13L));
        device.step();
        device.loadWeights(FlatWeights.allocate(4096), 4);
        List<FinishedGroup<Long>> done = new java.util.ArrayList<>();
        while (!device.idle()) {
            done.addAll(device.step());
        }
        assertEquals(2, done.size());
        assertEquals(10, device.freeSlots());
        for (FinishedGroup<Long> g : done) {
            for (Completion c : g.completions()) {
                assertEquals(3, c.versions()[0]);
                for (int t = 1; t < c.length(); t++) {
                    assertEquals(4, c.versions()[t]);
                }
            }
        }
    }

    /** Admits one group and steps until it is done. */
    private static List<Completion> run(SimulatedEngine device, long ticket, int[] prompt, int size) {
        device.admit(ticket, prompt, size, ticket);
        while (true) {
            for (FinishedGroup<Long> g : device.step()) {
                if (g.key() == ticket) {
                    return g.completions();
                }
            }
        }
    }

    @Test
    void aReplicaRefusesASnapshotOfAnotherSize() {
        SimulatedEngine device = new SimulatedEngine(settings(Duration.ZERO, Duration.ZERO), 8, 100, 1);
        device.loadWeights(FlatWeights.allocate(4096), 1);
        assertThrows(IllegalArgumentException.class, () -> device.loadWeights(FlatWeights.allocate(4000), 2));
    }

    @Test
    void everyStepPublishesADistinctSnapshotAndSpendsTrainTimePerToken() {
        SimulatedTrainer trainer = new SimulatedTrainer(settings(Duration.ZERO, Duration.ofNanos(100_000)), 7);
        FlatWeights before = trainer.exportWeights();
        List<GrpoSample> batch = List.of(new GrpoSample(new int[] {2}, new int[100], new float[100], 1f),
                new GrpoSample(new int[] {2}, new int[100], new float[100], -1f));
        long t0 = System.nanoTime();
        assertEquals(2, trainer.update(batch).sequences());
        assertTrue(System.nanoTime() - t0 >= 200 * 100_000L, "200 tokens x 100 us");
        FlatWeights after = trainer.exportWeights();
        assertEquals(4096, after.size());
        assertFalse(before.contentEquals(after));
        assertTrue(trainer.evaluate(List.of(), 8, true).isEmpty(), "nothing to evaluate in a simulation");
    }
}
