package dev.aha.actors.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.actors.config.RunConfig;
import dev.aha.actors.pipeline.PipelineFixture;
import dev.aha.actors.weights.WeightPlane;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.WeightListener;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.metrics.MetricsLog;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner is watched: when it throws, the run ends at once with the cause, not at its deadline, and the steps it
 * completed are checkpointed.
 */
class LearnerFailureTest {

    /** The learner's plane, failing the publish of one version as a full disk or a dead driver would. */
    private record FailingAt(WeightPlane delegate, long version) implements WeightPlane {
        @Override
        public void publish(long v, FlatWeights image) {
            if (v == version) {
                throw new IllegalStateException("publication of v" + v + " refused");
            }
            delegate.publish(v, image);
        }

        @Override
        public AutoCloseable subscribe(String name, long byteLength, WeightListener listener) {
            return delegate.subscribe(name, byteLength, listener);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    @Test
    void aFailingLearnerEndsTheRunAtOnceNamingTheCause(@TempDir Path out) throws Exception {
        RunConfig config = PipelineFixture.config("");
        long start = System.nanoTime();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> PipelineFixture.run(config, 120, config.reward().compose(), out, p -> new FailingAt(p, 2)));
        double seconds = (System.nanoTime() - start) / 1e9;
        TrainingFailed failed = assertInstanceOf(TrainingFailed.class, e.getCause());
        assertTrue(failed.getMessage().startsWith("the learner failed: "), failed.getMessage());
        assertTrue(failed.getMessage().contains("publication of v2 refused"), failed.getMessage());
        assertTrue(seconds < 60, "the run waited " + seconds + " s for a deadline 120 s away");
        // the step that trained version 2 was complete when its publication failed: it is saved
        Path last = new CheckpointStore(out.resolve("checkpoints"), 1).latest().orElseThrow();
        assertEquals(2, MetricsLog.JSON.readTree(last.resolve("state.json").toFile()).at("/run/step").asLong());
    }
}
