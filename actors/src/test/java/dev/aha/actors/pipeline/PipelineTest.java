package dev.aha.actors.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.actors.config.RunConfig;
import dev.aha.runtime.metrics.StepMetrics;
import dev.aha.runtime.reward.AccuracyReward;
import dev.aha.runtime.reward.CompositeReward;
import dev.aha.runtime.reward.RewardFunction;
import dev.aha.runtime.reward.RewardInput;
import dev.aha.runtime.reward.RewardRange;
import dev.aha.runtime.reward.WeightedReward;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The actor pipeline end to end with the invariants the design promises: each run ends after 100 learner steps
 * (aha.train.max-steps), its deadline only a backstop.
 */
class PipelineTest {

    @TempDir
    Path out;

    @Test
    void shouldAccountForEveryPromptAndKeepStalenessWithinItsBound() throws Exception {
        RunConfig config = PipelineFixture.config("aha.train { max-staleness = 1, max-steps = 100 }");
        Learner.Finished f = PipelineFixture.run(config, 60, config.reward().compose(), out);

        assertTrue(f.history().size() >= 3, "too few steps to check anything: " + f.history().size());
        long previous = 0;
        for (StepMetrics m : f.history()) {
            assertTrue(m.version() > previous, "versions must only increase: " + m.version() + " after " + previous);
            previous = m.version();
            for (int lag : m.stalenessHistogram().keySet()) {
                assertTrue(lag >= 0 && lag <= 1, "a used sample lagged " + lag + " versions (max-staleness 1)");
            }
        }
        DispatcherStats d = f.dispatcherStats();
        assertEquals(d.dispatched(), d.used() + d.droppedStale() + d.outstanding(),
                "every dispatched prompt is used, dropped as stale, or still out: " + d);
        assertEquals(f.state().promptsUsed(), d.used(), "learner and dispatcher agree on what was used");
        assertEquals(f.history().size() * (long) config.train().batchGroups(), d.used());
    }

    /**
     * In-flight weight updates: new weights reach sequences mid-flight, yet staleness, counted from each group's
     * oldest token, stays within its bound; with them off no sequence ever changes weights.
     */
    @Test
    void shouldApplyNewWeightsToSequencesInFlightOnlyWhenAskedAndBoundStalenessFromTheOldestToken() throws Exception {
        for (boolean inFlight : new boolean[] {true, false}) {
            RunConfig config = PipelineFixture.config("aha.train { max-staleness = 1, max-steps = 60 }\n"
                    + "aha.sampling.max-new-tokens = 40\naha.rollout.in-flight-updates = " + (inFlight ? "on" : "off"));
            Learner.Finished f = PipelineFixture.run(config, 60, config.reward().compose(), out.resolve("" + inFlight));
            assertEquals(60, f.history().size(), "the run stalled before max-steps (in-flight updates " + inFlight + ")");
            for (StepMetrics m : f.history()) {
                for (int lag : m.stalenessHistogram().keySet()) {
                    assertTrue(lag >= 0 && lag <= 1, "a used sample lagged " + lag + " versions (max-staleness 1)");
                }
            }
            if (inFlight) {
                assertTrue(f.tokens().usedAfterUpdate() > 0, "no sequence saw an update in flight: " + f.tokens());
            } else {
                assertEquals(0, f.tokens().usedAfterUpdate(), "weights changed under a sequence with updates off");
            }
        }
    }

    @Test
    void shouldNeverMixVersionsInASyncStep() throws Exception {
        RunConfig config = PipelineFixture.config("aha.train { sync = on, max-staleness = 0, max-steps = 100 }");
        Learner.Finished f = PipelineFixture.run(config, 60, config.reward().compose(), out);
        assertTrue(f.history().size() >= 3, "too few steps: " + f.history().size());
        for (StepMetrics m : f.history()) {
            assertEquals(List.of(0), List.copyOf(m.stalenessHistogram().keySet()),
                    "step " + m.step() + " used samples of another version: " + m.stalenessHistogram());
        }
        assertEquals(0, f.dispatcherStats().droppedStale());
    }

    @Test
    void shouldKeepTrainingWhenARewardFunctionThrows() throws Exception {
        AtomicLong calls = new AtomicLong();
        RewardFunction flaky = new RewardFunction() {
            @Override
            public String name() {
                return "flaky";
            }

            @Override
            public RewardRange range() {
                return RewardRange.UNIT;
            }

            @Override
            public double score(RewardInput input) {
                if (calls.incrementAndGet() % 3 == 0) {
                    throw new IllegalStateException("a broken rule");
                }
                return input.completion().length() % 2;
            }
        };
        CompositeReward reward = new CompositeReward(List.of(
                new WeightedReward(new AccuracyReward(), 1), new WeightedReward(flaky, 1)));
        RunConfig config = PipelineFixture.config("aha.train.max-steps = 100");
        Learner.Finished f = PipelineFixture.run(config, 60, reward, out);
        assertTrue(f.history().size() >= 3, "training stopped: " + f.history().size() + " steps");
        assertTrue(f.rewardFailures() > 0, "failures must be counted");
    }
}
