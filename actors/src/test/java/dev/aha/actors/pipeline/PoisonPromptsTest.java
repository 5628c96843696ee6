package dev.aha.actors.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aha.actors.config.RunConfig;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.task.TaskPrompt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One prompt in 20 is longer than the context: training goes on, and those prompts are quarantined, not retried. */
class PoisonPromptsTest {

    private static final int EVERY = 20;

    /** Every 20th prompt of the stream (prompt ids 19, 39, ...) made longer than the 96-token context. */
    private static final UnaryOperator<PromptStream> POISON = clean -> new PromptStream() {
        private long next;

        @Override
        public TaskPrompt next() {
            TaskPrompt p = clean.next();
            return next++ % EVERY == EVERY - 1
                    ? new TaskPrompt(p.id(), "1+".repeat(60) + "1", p.referenceAnswer(), p.solution()) : p;
        }
    };

    @Test
    @Tag("slow") // 6 s of the pipeline (about 200 steps, 35 poison prompts quarantined): in verify
    void poisonPromptsAreQuarantinedAndEveryOtherPromptIsUsed(@TempDir Path out) throws Exception {
        RunConfig config = PipelineFixture.config("aha.train.max-staleness = 1");
        Learner.Finished f = PipelineFixture.run(config, 6, config.reward().compose(), out, p -> p, POISON);

        DispatcherStats d = f.dispatcherStats();
        System.out.printf("poison prompts: %d steps, %d prompts dispatched, %d used, %d quarantined, %d still out, "
                + "%d lost%n", f.history().size(), d.dispatched(), d.used(), d.quarantined(), d.outstanding(), d.lost());
        assertTrue(f.history().size() >= 3, "training stopped: " + f.history().size() + " steps");
        assertTrue(d.quarantined() >= 1, "no poison prompt was quarantined: " + d);
        assertEquals(0, d.lost(), "a prompt was lost: " + d);
        assertEquals(d.dispatched(), d.used() + d.droppedStale() + d.quarantined() + d.outstanding(),
                "every prompt is used, dropped, quarantined or still out: " + d);
        List<String> lines = Files.readAllLines(out.resolve("quarantine.jsonl"));
        assertEquals(d.quarantined(), lines.size());
        for (String line : lines) {
            JsonNode q = MetricsLog.JSON.readTree(line);
            assertEquals(EVERY - 1, q.get("prompt_id").asLong() % EVERY, "only poison is quarantined: " + line);
            assertTrue(q.get("error").asText().contains("no room in the context"), line);
        }
        long poisonDispatched = (d.dispatched() + 1) / EVERY;
        assertTrue(d.quarantined() >= poisonDispatched - 2, "poison left unquarantined beyond those still out: "
                + d.quarantined() + " of " + poisonDispatched);
    }
}
