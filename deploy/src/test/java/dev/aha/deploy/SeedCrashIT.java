package dev.aha.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The seed killed with SIGKILL mid-run, then {@code aha seed --resume}: training continues from the last checkpoint
 * with its step, version and prompt cursor, and a worker node started again (as aha-local-cluster or Kubernetes
 * would) joins the resumed seed. Real models (a tiny GPT on the torch backend), since a simulated run has no policy
 * to resume.
 */
@Tag("slow") // multi-JVM: runs in verify (failsafe), after package has built the distribution
class SeedCrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TINY = String.join("\n",
            "aha.policy { context-length = 96, model-dim = 32, layers = 1, heads = 2 }",
            "aha.sampling.max-new-tokens = 12",
            "aha.train { group-size = 4, batch-groups = 2, rollouts = 1, max-in-flight-groups = 6, eval-prompts = 4,",
            "  eval-k = 1, checkpoint-every = 5, cold-start.steps = 5, cold-start.batch-size = 4 }");

    @Test
    void aKilledSeedResumesFromItsLastCheckpointAndAWorkerJoinsAgain() throws Exception {
        List<String> shmBefore = LocalNodes.aeronDirectories();
        Path out = Path.of("target", "it-seed-crash").toAbsolutePath();
        LocalNodes.deleteRecursively(out);
        Files.createDirectories(out);
        Path conf = out.resolve("tiny.conf");
        Files.writeString(conf, TINY);
        Path run = out.resolve("run");
        int seedPort = LocalNodes.arteryPortWithWeightPlane();
        int[] ports = LocalNodes.freeTcpPorts(2);
        String seedAt = "127.0.0.1:" + seedPort;
        String javaOpts = "-Daha.weights.data-port=" + (seedPort + 15081) + " -Daha.weights.control-port="
                + (seedPort + 15082);
        List<LocalNodes.Node> nodes = new ArrayList<>();
        JsonNode atCrash;
        LocalNodes.Node resumed;
        try {
            LocalNodes.Node seed = LocalNodes.start(nodes, out, "seed-1", seedPort, javaOpts, Map.of(), "seed",
                    "--minutes", "3", "--out", run.toString(), "--config", conf.toString(), "--backend", "torch");
            LocalNodes.awaitLog(seed, "seed node up at", 120);
            LocalNodes.Node worker = LocalNodes.start(nodes, out, "worker-1", ports[0], javaOpts, Map.of(), "join",
                    "--seed-node", seedAt, "--roles", "rollout,reward", "--config", conf.toString(),
                    "--backend", "torch");
            awaitCheckpoint(run, 10, seed, 120);
            seed.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no leaving, no last words
            LocalNodes.removeAeronDirectoriesOf(seed.process().pid());
            atCrash = JSON.readTree(latest(run).resolve("state.json").toFile()).get("run");
            // the worker sees the learner's node unreachable, is downed with its side and exits; a supervisor (the
            // local-cluster script, Kubernetes) starts it again
            if (!worker.process().waitFor(60, TimeUnit.SECONDS)) {
                worker.process().destroy();
                worker.process().waitFor(20, TimeUnit.SECONDS);
            }

            resumed = LocalNodes.start(nodes, out, "seed-2", seedPort, javaOpts, Map.of(), "seed", "--resume",
                    run.toString(), "--minutes", "0.3", "--config", conf.toString(), "--backend", "torch");
            LocalNodes.awaitLog(resumed, "seed node up at", 120);
            LocalNodes.start(nodes, out, "worker-2", ports[1], javaOpts, Map.of(), "join", "--seed-node", seedAt,
                    "--roles", "rollout,reward", "--config", conf.toString(), "--backend", "torch");
            assertTrue(resumed.process().waitFor(3, TimeUnit.MINUTES), "the resumed seed did not finish in time");
        } finally {
            LocalNodes.stopAll(nodes);
        }
        assertEquals(0, resumed.process().exitValue(), "the resumed seed failed: see " + resumed.log());

        long step = atCrash.get("step").asLong();
        assertTrue(resumed.logText().contains("step " + step + ", version " + atCrash.get("version").asLong()),
                "the resumed seed must start from the checkpoint of step " + step + ": see " + resumed.log());
        JsonNode s = JSON.readTree(run.resolve("summary.json").toFile());
        assertTrue(s.get("steps").asLong() > step, "no step after the resume: " + s);
        assertTrue(s.get("version").asLong() > atCrash.get("version").asLong(), "the version must continue: " + s);
        assertTrue(s.get("prompts_dispatched").asLong() > atCrash.get("prompts_dispatched").asLong(),
                "the prompt counters must continue: " + s);
        JsonNode end = JSON.readTree(latest(run).resolve("state.json").toFile()).get("run");
        assertTrue(end.get("next_prompt_id").asLong() > atCrash.get("next_prompt_id").asLong(),
                "the prompt cursor must continue past the crash's: " + end);
        assertEquals(2, s.get("nodes_joined").asLong(), "the resumed seed and the worker started again: " + s);
        System.out.printf("seed crash: killed after the checkpoint of step %d (version %d, cursor %d); resumed to step "
                        + "%d, version %d, cursor %d%n", step, atCrash.get("version").asLong(),
                atCrash.get("next_prompt_id").asLong(), s.get("steps").asLong(), s.get("version").asLong(),
                end.get("next_prompt_id").asLong());
        LocalNodes.assertNoAeronDirectoriesLeft(shmBefore);
    }

    private static Path latest(Path run) throws Exception {
        return run.resolve("checkpoints").resolve(Files.readString(run.resolve("checkpoints/latest")).trim());
    }

    /** Waits until the run has a checkpoint at or past {@code step}. */
    private static void awaitCheckpoint(Path run, long step, LocalNodes.Node seed, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            assertTrue(seed.process().isAlive(), "the seed exited before checkpoint " + step + ": see " + seed.log());
            assertTrue(System.nanoTime() < deadline, "no checkpoint of step " + step + " in " + seconds + " s");
            if (Files.isRegularFile(run.resolve("checkpoints/latest"))) {
                try {
                    JsonNode r = JSON.readTree(latest(run).resolve("state.json").toFile()).get("run");
                    if (r != null && r.get("step").asLong() >= step) {
                        return;
                    }
                } catch (IOException racing) {
                    // latest moved on while it was read
                }
            }
            Thread.sleep(200);
        }
    }
}
