package dev.aha.actors.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aha.actors.config.RunConfig;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.metrics.StepMetrics;
import dev.aha.runtime.reward.CompositeReward;
import dev.aha.runtime.reward.RewardFunction;
import dev.aha.runtime.reward.RewardInput;
import dev.aha.runtime.reward.RewardRange;
import dev.aha.runtime.reward.WeightedReward;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic sampling (aha.grpo.drop-uniform-groups) through the real pipeline: uniform groups are dropped at the
 * learner, counted, and replaced by fresh prompts so that every step still trains on a full batch; with the option
 * off they are trained on like any other; and a run where every group is uniform stays observable.
 */
class DynamicSamplingTest {

    @TempDir
    Path out;

    /** Scores every completion with {@code score}, under the name "accuracy" so the metrics read it as such. */
    private static CompositeReward reward(ToDoubleFunction<RewardInput> score) {
        RewardFunction f = new RewardFunction() {
            @Override
            public String name() {
                return "accuracy";
            }

            @Override
            public RewardRange range() {
                return RewardRange.UNIT;
            }

            @Override
            public double score(RewardInput input) {
                return score.applyAsDouble(input);
            }
        };
        return new CompositeReward(List.of(new WeightedReward(f, 1)));
    }

    /**
     * About half of the prompts (by their answer) score every completion 1: their groups are uniform. The others
     * score each completion by its text, so their groups differ (unless the tiny policy samples one text G times).
     */
    private static CompositeReward halfUniform(AtomicLong uniformScores) {
        return reward(in -> {
            if (Math.floorMod(in.referenceAnswer().hashCode(), 2) == 0) {
                uniformScores.incrementAndGet();
                return 1.0;
            }
            return (in.completion().hashCode() & 0xffff) / 65536.0;
        });
    }

    private static void assertEveryPromptPlaced(DispatcherStats d) {
        assertEquals(0, d.lost(), "a prompt was lost: " + d);
        assertEquals(d.dispatched(), d.used() + d.droppedStale() + d.droppedUniform() + d.outstanding(),
                "every prompt is used, dropped as stale or uniform, or still out: " + d);
    }

    @Test
    void uniformGroupsAreDroppedCountedAndReplacedSoEveryBatchIsFull() throws Exception {
        RunConfig config = PipelineFixture.config("aha.grpo.drop-uniform-groups = on\naha.train.max-steps = 60");
        Learner.Finished f = PipelineFixture.run(config, 60, halfUniform(new AtomicLong()), out);

        DispatcherStats d = f.dispatcherStats();
        System.out.printf("dynamic sampling: %d steps, %d dispatched, %d used, %d dropped uniform, %d out%n",
                f.history().size(), d.dispatched(), d.used(), d.droppedUniform(), d.outstanding());
        assertTrue(f.history().size() >= 3, "too few steps to check anything: " + f.history().size());
        assertTrue(f.groupsDroppedUniform() > 0, "no group was dropped");
        assertEquals(f.groupsDroppedUniform(), d.droppedUniform(), "learner and dispatcher agree on the drops");
        assertEquals(f.history().size() * (long) config.train().batchGroups(), d.used(),
                "every step trained on a full batch of groups that were not dropped");
        assertEveryPromptPlaced(d);
        long inStepLines = f.history().stream().mapToLong(StepMetrics::groupsDroppedUniform).sum();
        assertTrue(inStepLines > 0 && inStepLines <= f.groupsDroppedUniform(),
                "step lines count the drops before each step: " + inStepLines + " of " + f.groupsDroppedUniform());
        assertEquals(f.history().size(), MetricsLog.readSteps(out.resolve("metrics.jsonl")).size());
    }

    @Test
    void withTheOptionOffUniformGroupsAreTrainedOnAndNothingIsDropped() throws Exception {
        RunConfig config = PipelineFixture.config("aha.grpo.drop-uniform-groups = off\naha.train.max-steps = 60");
        AtomicLong uniformScores = new AtomicLong();
        Learner.Finished f = PipelineFixture.run(config, 60, halfUniform(uniformScores), out);

        DispatcherStats d = f.dispatcherStats();
        assertTrue(f.history().size() >= 3, "too few steps to check anything: " + f.history().size());
        assertTrue(uniformScores.get() >= config.train().groupSize(), "no uniform group was even sampled");
        assertEquals(0, f.groupsDroppedUniform());
        assertEquals(0, d.droppedUniform());
        for (StepMetrics m : f.history()) {
            assertEquals(0, m.groupsDroppedUniform(), "step " + m.step());
        }
        assertEquals(f.history().size() * (long) config.train().batchGroups(), d.used());
        assertEveryPromptPlaced(d);
    }

    /**
     * A policy that solves every prompt: no group has signal, so no step is ever taken. The run does not spin
     * silently: it keeps counting, writes a line for every batch's worth dropped, keeps its leases bounded, and
     * ends at its deadline with everything placed.
     */
    @Test
    @Tag("slow") // runs to its deadline: in verify
    void aRunWhereEveryGroupIsUniformTakesNoStepButStaysObservable() throws Exception {
        RunConfig config = PipelineFixture.config("aha.grpo.drop-uniform-groups = on");
        Learner.Finished f = PipelineFixture.run(config, 4, reward(in -> 1.0), out);

        DispatcherStats d = f.dispatcherStats();
        int batch = config.train().batchGroups();
        assertEquals(0, f.history().size(), "a step was taken on uniform groups");
        assertTrue(f.groupsDroppedUniform() >= 2L * batch, "the run stalled: " + f.groupsDroppedUniform());
        assertEquals(f.groupsDroppedUniform(), d.droppedUniform());
        assertEquals(0, d.used());
        assertTrue(d.outstanding() <= config.train().maxInFlightGroups(), "leases beyond the bound: " + d);
        assertEveryPromptPlaced(d);

        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = MetricsLog.JSON.readTree(line);
            if (n.has("uniform_drops")) {
                lines.add(n);
            }
        }
        assertEquals(f.groupsDroppedUniform() / batch, lines.size(), "one line per batch's worth dropped");
        for (int i = 0; i < lines.size(); i++) {
            JsonNode drops = lines.get(i).get("uniform_drops");
            assertEquals((i + 1L) * batch, drops.get("groups").asLong(), "drops in a row, counted on: " + drops);
            assertEquals(drops.get("groups").asLong(), drops.get("solved").asLong(), "every completion was right");
            assertEquals(0, lines.get(i).get("step").asLong());
        }
        assertEquals(List.of(), MetricsLog.readSteps(out.resolve("metrics.jsonl")), "none of them reads as a step");
    }
}
