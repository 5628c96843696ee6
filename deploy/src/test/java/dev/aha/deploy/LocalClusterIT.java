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
 * The cluster with real JVM processes on loopback, through the launcher users run: a seed (learner + dispatcher),
 * two rollout nodes and a reward node; a third rollout node joins during training and one is killed with SIGKILL.
 * Training must go on, throughput must rise while three rollout nodes run, and no prompt may be lost. Simulated
 * devices (modelled time) keep it short and let throughput scale on two cores; actors, Kryo over Artery, the UDP
 * weight plane between JVMs and the split-brain resolver are all real.
 */
@Tag("slow") // multi-JVM: runs in verify (failsafe), after package has built the distribution
class LocalClusterIT {

    @Test
    void rolloutNodesJoinAndDieWhileTrainingGoesOn() throws Exception {
        List<String> shmBefore = LocalNodes.aeronDirectories();
        Path out = Path.of("target", "it-local-cluster").toAbsolutePath();
        LocalNodes.runLocalCluster(out, "--rollouts", "2", "--rewards", "1", "--minutes", "1",
                "--add-rollout-after", "14", "--kill-rollout-after", "30");

        JsonNode s = new ObjectMapper().readTree(out.resolve("run/summary.json").toFile());
        assertEquals("simulated", s.get("backend").asText());
        assertTrue(s.get("nodes_joined").asLong() >= 5, "seed, 2 rollouts, 1 reward and the added rollout: " + s);
        assertTrue(s.get("nodes_lost").asLong() >= 1, "the killed rollout node is downed and counted: " + s);
        assertEquals(0, s.get("lost_prompts").asLong(), "no prompt may be lost: " + s);
        assertTrue(s.get("steps_after_last_node_lost").asLong() >= 2, "training goes on after the kill: " + s);
        JsonNode rates = s.get("groups_per_second_by_rollout_nodes");
        assertTrue(rates.has("2") && rates.has("3"), "both phases measured: " + rates);
        assertTrue(rates.get("3").asDouble() > rates.get("2").asDouble(),
                "groups/s with three rollout nodes must exceed two: " + rates);
        long dispatched = s.get("prompts_dispatched").asLong();
        assertEquals(dispatched, s.get("prompts_used").asLong() + s.get("prompts_dropped_stale").asLong()
                + s.get("prompts_outstanding_at_end").asLong(), "every dispatched prompt is accounted for: " + s);
        for (String node : List.of("seed", "reward-1", "rollout-1", "rollout-2", "rollout-3")) {
            assertTrue(Files.size(out.resolve(node + ".log")) > 0, node + " logged nothing");
        }
        // every node's directory is gone, the killed one's too (the script removes it)
        LocalNodes.assertNoAeronDirectoriesLeft(shmBefore);
    }
}
