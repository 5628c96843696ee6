package dev.aha.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Artery over TLS with mutual authentication, through the launcher users run, one JVM per node on loopback. The
 * seed trusts one CA. A node whose certificate that CA signed joins and trains with it. A stranger with a self-signed
 * certificate, which trusts the CA (so the only check that can keep it out is the seed's check of its certificate),
 * and a node without TLS both try to join all through the run and never become members. Simulated devices keep it
 * short; Artery, its TLS, the cluster and the weight plane are real.
 */
@Tag("slow") // multi-JVM: runs in verify (failsafe), after package has built the distribution
class ClusterTlsIT {

    private static final Path PROFILES = Path.of("conf").toAbsolutePath();
    private static final double MINUTES = 0.5;

    @Test
    void onlyANodeWithACertificateTheSeedTrustsJoins(@TempDir Path keys) throws Exception {
        Path out = Path.of("target", "it-cluster-tls").toAbsolutePath();
        LocalNodes.deleteRecursively(out);
        Files.createDirectories(out);

        Keystores stores = new Keystores(keys);
        Path trust = stores.createCa();
        // each store is a chain of keytool JVMs: three at once take half the time of one after another
        ExecutorService keytools = Executors.newFixedThreadPool(3);
        Future<Path> seedKeys = keytools.submit(() -> stores.signed("seed"));
        Future<Path> memberKeys = keytools.submit(() -> stores.signed("member"));
        Future<Path> strangerKeys = keytools.submit(() -> stores.selfSigned("stranger"));
        keytools.shutdown();
        Path seedConf = tlsConfig(keys, "seed", List.of("seed.conf"), seedKeys.get(), trust);
        Path memberConf = tlsConfig(keys, "member", List.of("rollout.conf", "reward.conf"), memberKeys.get(), trust);
        Path strangerConf = tlsConfig(keys, "stranger", List.of("rollout.conf"), strangerKeys.get(), trust);
        Map<String, String> env = Map.of("AHA_KEYSTORE_PASSWORD", stores.password(),
                "AHA_TRUSTSTORE_PASSWORD", stores.password());

        int seedPort = LocalNodes.arteryPortWithWeightPlane();
        int[] ports = LocalNodes.freeTcpPorts(3);
        String seedAt = "127.0.0.1:" + seedPort;
        // the weight plane's UDP ports follow the seed's Artery port, as aha-local-cluster sets them
        String javaOpts = "-Daha.weights.data-port=" + (seedPort + 15081) + " -Daha.weights.control-port="
                + (seedPort + 15082);
        List<LocalNodes.Node> nodes = new ArrayList<>();
        Map<String, Boolean> aliveAtEnd;
        LocalNodes.Node seed;
        LocalNodes.Node member;
        LocalNodes.Node stranger;
        LocalNodes.Node plain;
        try {
            // one JVM starting at a time: on two shared cores, JVMs that start together delay each other by seconds,
            // and the seed's run is counted from its start
            seed = LocalNodes.start(nodes, out, "seed", seedPort, javaOpts, env, "seed", "--backend", "simulated", "--minutes", String.valueOf(MINUTES),
                    "--out", out.resolve("run").toString(), "--config", seedConf.toString());
            LocalNodes.awaitLog(seed, "seed node up at", 90);
            member = LocalNodes.start(nodes, out, "member", ports[0], javaOpts, env, "join", "--backend", "simulated", "--seed-node", seedAt,
                    "--roles", "rollout,reward", "--config", memberConf.toString());
            LocalNodes.awaitLog(seed, "Leader is moving node [" + member.address() + "] to [Up]", 60);
            // the refused nodes keep trying to join for the rest of the run, every second instead of every five
            String knocking = javaOpts + " -Dpekko.cluster.seed-node-timeout=1s";
            stranger = LocalNodes.start(nodes, out, "stranger", ports[1], knocking, env, "join", "--backend", "simulated", "--seed-node", seedAt,
                    "--roles", "rollout", "--config", strangerConf.toString());
            plain = LocalNodes.start(nodes, out, "plain", ports[2], knocking, Map.of(), "join", "--backend", "simulated", "--seed-node", seedAt,
                    "--roles", "rollout", "--config", PROFILES.resolve("rollout.conf").toString());
            assertTrue(seed.process().waitFor(3, TimeUnit.MINUTES), "the seed did not finish within 3 minutes");
            aliveAtEnd = nodes.stream().collect(Collectors.toMap(LocalNodes.Node::name, n -> n.process().isAlive()));
        } finally {
            LocalNodes.stopAll(nodes);
        }

        assertEquals(0, seed.process().exitValue(), "the seed failed: see " + seed.log());
        String seedLog = seed.logText();
        assertTrue(seedLog.contains("Node [" + member.address() + "] is JOINING")
                && seedLog.contains("Leader is moving node [" + member.address() + "] to [Up]"),
                "the node with a signed certificate must join and reach Up: see " + seed.log());
        assertTrue(member.logText().contains("Welcome from [pekko://aha@" + seedAt + "]"), member.log().toString());
        // Pekko logs only when verification is off: its absence shows the stricter setting was the one tested
        assertFalse(seedLog.contains("hostname verification is disabled"), seed.log().toString());

        JsonNode s = new ObjectMapper().readTree(out.resolve("run/summary.json").toFile());
        assertEquals("simulated", s.get("backend").asText());
        assertEquals(2, s.get("nodes_joined").asLong(), "the seed and the signed node, nobody else: " + s);
        // the seed hosts no rollout: every group it trained on came from the node that joined
        assertTrue(s.get("steps").asLong() >= 1 && s.get("prompts_used").asLong() >= 1,
                "the joined node's groups must reach the learner: " + s);

        for (LocalNodes.Node refused : List.of(stranger, plain)) {
            assertTrue(aliveAtEnd.get(refused.name()), refused.name() + " must still be trying when the run ends, "
                    + "not have failed on its own: see " + refused.log());
            assertFalse(seedLog.contains("127.0.0.1:" + refused.port()), "no message from " + refused.address()
                    + " (" + refused.name() + ") may reach the seed's cluster: see " + seed.log());
            String log = refused.logText();
            assertFalse(log.contains("Welcome from"), refused.name() + " was let in: see " + refused.log());
            assertTrue(log.contains("Couldn't join seed nodes"), refused.name() + " must have tried to join: see "
                    + refused.log());
        }
        assertTrue(stranger.logText().contains("SSLHandshakeException"),
                "the stranger must be turned away by the TLS handshake: see " + stranger.log());
        for (LocalNodes.Node n : nodes) {
            assertEquals(List.of(), LocalNodes.aeronDirectoriesOf(n.process().pid()),
                    n.name() + " left its Aeron directory in /dev/shm");
        }
    }

    /**
     * A node's --config: its role profiles, then TLS as README documents it, passwords from the environment.
     * hostname-verification is on: the certificates name 127.0.0.1, the address every node dials.
     */
    private static Path tlsConfig(Path dir, String name, List<String> profiles, Path keyStore, Path trustStore)
            throws IOException {
        StringBuilder conf = new StringBuilder();
        for (String profile : profiles) {
            conf.append("include file(\"").append(PROFILES.resolve(profile)).append("\")\n");
        }
        conf.append("""
                pekko.remote.artery {
                  transport = tls-tcp
                  ssl.config-ssl-engine {
                    key-store = "%s"
                    key-store-password = ${?AHA_KEYSTORE_PASSWORD}
                    key-password = ${?AHA_KEYSTORE_PASSWORD}
                    trust-store = "%s"
                    trust-store-password = ${?AHA_TRUSTSTORE_PASSWORD}
                    require-mutual-authentication = on
                    hostname-verification = on
                  }
                }
                """.formatted(keyStore, trustStore));
        Path file = dir.resolve(name + ".conf");
        Files.writeString(file, conf);
        return file;
    }
}
