package dev.aha.actors.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.pipeline.PipelineFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** aha.train.max-steps ends a run as its deadline does, counted across resumes. */
class MaxStepsTest {

    @TempDir
    Path out;

    @Test
    void aRunEndsAtMaxStepsLongBeforeItsDeadlineAndAResumeThatHasThemTakesNoMore() {
        RunConfig config = PipelineFixture.config("aha.train { max-steps = 3, eval-every = 0 }");
        long started = System.nanoTime();
        ObjectNode first = new TrainingSession(config,
                new TrainingSession.Options(out, 5, null, null, null, null)).run();
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(3, first.get("steps").asLong(), "three learner steps, then the final evaluation");
        assertTrue(seconds < 150, "ended at max-steps, not at the 5-minute deadline: " + seconds + " s");
        assertTrue(first.has("final_pass1"), "the final evaluation as at a deadline: " + first);

        ObjectNode resumed = new TrainingSession(config,
                new TrainingSession.Options(out, 5, out, null, null, null)).run();
        assertEquals(3, resumed.get("steps").asLong(), "the checkpoint is at max-steps already: no step more");
        assertTrue(resumed.has("final_pass1"));
    }
}
