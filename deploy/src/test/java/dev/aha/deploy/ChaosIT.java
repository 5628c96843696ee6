package dev.aha.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code aha-local-cluster --chaos}: every 13 s a random rollout or reward node is killed with SIGKILL and replaced.
 * The run must finish with training after every kill, every kill counted, and no prompt lost.
 */
@Tag("slow") // multi-JVM: runs in verify (failsafe), after package has built the distribution
class ChaosIT {

    @Test
    void trainingSurvivesANodeKilledEvery13Seconds() throws Exception {
        List<String> shmBefore = LocalNodes.aeronDirectories();
        Path out = Path.of("target", "it-chaos").toAbsolutePath();
        LocalNodes.runLocalCluster(out, "--rollouts", "2", "--rewards", "2", "--minutes", "1",
                "--chaos", "13");

        List<String> kills = Files.readAllLines(out.resolve("chaos.log"));
        assertEquals(3, kills.size(), "kills at 13, 26 and 39 s of a 60 s run (none in its last 13 s): " + kills);
        JsonNode s = new ObjectMapper().readTree(out.resolve("run/summary.json").toFile());
        assertTrue(s.get("nodes_lost").asLong() >= kills.size(), "every killed node is downed and counted: " + s);
        assertEquals(0, s.get("lost_prompts").asLong(), "no prompt may be lost: " + s);
        assertTrue(s.get("steps_after_last_node_lost").asLong() >= 1, "training goes on after the last kill: " + s);
        long dispatched = s.get("prompts_dispatched").asLong();
        assertEquals(dispatched, s.get("prompts_used").asLong() + s.get("prompts_dropped_stale").asLong()
                + s.get("prompts_quarantined").asLong() + s.get("prompts_outstanding_at_end").asLong(),
                "every dispatched prompt is accounted for: " + s);
        System.out.printf("chaos: %d kills, %d nodes lost, %d prompts re-issued, %d lost, %d steps (%d after the last "
                        + "loss), %.2f groups/s%n", kills.size(), s.get("nodes_lost").asLong(),
                s.get("prompts_reissued").asLong(), s.get("lost_prompts").asLong(), s.get("steps").asLong(),
                s.get("steps_after_last_node_lost").asLong(), s.get("groups_per_second").asDouble());
        LocalNodes.assertNoAeronDirectoriesLeft(shmBefore);
    }
}
