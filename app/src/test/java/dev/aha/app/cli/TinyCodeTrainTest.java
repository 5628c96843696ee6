package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aha.runtime.metrics.MetricsLog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aha train --task tinycode} end to end on a tiny GPT: cold start on the worked solutions, evaluations judged by
 * running the programs, GRPO steps whose rewards come from the sandbox through the reward actors' code-run pool. The
 * summary's counts are this run's: its training rewards' programs ({@code code_outcomes}) apart from its
 * evaluations' ({@code eval_code_outcomes}), so a run whose rewards ran no program fails here whatever else ran.
 */
class TinyCodeTrainTest {

    @Test
    void shouldTrainOnTinycodeWithSandboxedRewards(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("tiny.conf"), String.join("\n",
                "aha.policy { context-length = 112, model-dim = 32, layers = 1, heads = 2 }",
                "aha.sampling.max-new-tokens = 64",
                "aha.train { group-size = 4, batch-groups = 1, rollouts = 1, max-in-flight-groups = 4,",
                "  eval-prompts = 4, eval-k = 2, checkpoint-every = 0, cold-start.steps = 3,",
                "  cold-start.batch-size = 4, max-steps = 6 }"));
        Path out = dir.resolve("run");
        CliRun run = CliRun.of("train", "--task", "tinycode", "--minutes", "2", "--config", config.toString(),
                "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        JsonNode summary = MetricsLog.JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("tinycode", summary.get("task").asText());
        assertTrue(summary.get("steps").asInt() >= 2, summary.toString());
        assertEquals(0, summary.get("reward_failures").asInt(), "every completion was scored in the sandbox");
        JsonNode finalCons = summary.get("final_cons_at_k");
        assertTrue(finalCons == null || finalCons.isNull() || "NaN".equals(finalCons.asText()),
                "code tasks have no answer vote: " + finalCons);
        assertFalse(summary.get("final_pass1").isMissingNode());
        JsonNode passAtK = summary.get("final_pass_at_k");
        assertEquals(summary.get("final_pass1").asDouble(), passAtK.get("pass@1").asDouble(), 1e-12);
        assertTrue(passAtK.get("pass@2").asDouble() >= passAtK.get("pass@1").asDouble(), passAtK.toString());
        for (JsonNode e : summary.get("evals")) {
            assertTrue(e.has("pass@1"), "every evaluation while training has its pass@k: " + e);
        }
        long steps = summary.get("steps").asLong();
        long scored = total(summary.get("code_outcomes"));
        assertTrue(scored >= 4L * steps, "each step's G = 4 completions ran in the sandbox: " + summary);
        long handedOut = summary.get("prompts_dispatched").asLong() + summary.get("prompts_reissued").asLong();
        assertTrue(scored <= 4L * handedOut, "no more programs than this run's completions: " + summary);
        // the cold-start and final evaluations: 4 prompts x k = 2 samples each, at least
        assertTrue(total(summary.get("eval_code_outcomes")) >= 2 * 4 * 2, summary.toString());
    }

    private static long total(JsonNode counts) {
        assertTrue(counts != null && counts.isObject(), "counts missing: " + counts);
        long n = 0;
        for (JsonNode c : counts) {
            n += c.asLong();
        }
        return n;
    }
}
