package dev.aha.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What the tests that start node processes on loopback share: free ports and the Aeron directories in /dev/shm. */
final class LocalNodes {

    /** The launcher users run. */
    static final Path LAUNCHER = Path.of("bin", "aha").toAbsolutePath();


    private LocalNodes() {}

    /**
     * An Artery port whose weight-plane UDP ports (+15081, +15082, as aha-local-cluster sets them) are free too, so
     * the seed's weight plane binds beside it.
     */
    static int arteryPortWithWeightPlane() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(21000, 25000);
            try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
                    DatagramSocket d = new DatagramSocket(port + 15081, InetAddress.getLoopbackAddress());
                    DatagramSocket c = new DatagramSocket(port + 15082, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("no free port range found");
    }

    /**
     * TCP ports free on loopback now, all different; a node is told its port, so that its address can be looked for
     * in other nodes' logs.
     */
    static int[] freeTcpPorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    /** Aeron directories of Aha processes in /dev/shm: take this before a test, to leave other processes' alone. */
    static List<String> aeronDirectories() {
        String[] names = new File("/dev/shm").list((dir, name) -> name.startsWith("aha-node-")
                || name.startsWith("aha-learner-"));
        return names == null ? new ArrayList<>() : new ArrayList<>(List.of(names));
    }

    /** Aeron directories of one process (aha-NAME-PID-...): other processes on this machine may be running too. */
    static List<String> aeronDirectoriesOf(long pid) {
        List<String> mine = aeronDirectories();
        mine.removeIf(name -> !name.contains("-" + pid + "-"));
        return mine;
    }

    /** A process killed with SIGKILL cannot remove its Aeron directory: the test does. */
    static void removeAeronDirectoriesOf(long pid) throws IOException {
        for (String name : aeronDirectoriesOf(pid)) {
            deleteRecursively(Path.of("/dev/shm", name));
        }
    }

    /**
     * Directories that were there before the test, or that belong to a process still alive once every node of the
     * test has ended (another Aha process on this machine), are not the test's: what is left is a dead process's.
     */
    static void assertNoAeronDirectoriesLeft(List<String> before) throws InterruptedException {
        List<String> left = leftByTheDead(before);
        // a node that exited a moment ago may still be closing its driver on a loaded machine: up to 15 s
        for (int i = 0; i < 30 && !left.isEmpty(); i++) {
            Thread.sleep(500);
            left = leftByTheDead(before);
        }
        assertTrue(left.isEmpty(), "Aeron directories left in /dev/shm: " + left);
    }

    private static List<String> leftByTheDead(List<String> before) {
        List<String> left = aeronDirectories();
        left.removeAll(before);
        left.removeIf(name -> ownerPid(name).flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false));
        return left;
    }

    /** The pid in aha-NAME-PID-SUFFIX. */
    private static Optional<Long> ownerPid(String name) {
        Matcher m = Pattern.compile("^aha-[a-z]+-(\\d+)-").matcher(name);
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** A started node: its Artery port is fixed so that its address can be looked for in the seed's log. */
    record Node(String name, int port, Process process, Path log) {
        String address() {
            return "pekko://aha@127.0.0.1:" + port;
        }

        String logText() throws IOException {
            return Files.readString(log);
        }
    }

    static Node start(List<Node> nodes, Path out, String name, int port, String javaOpts,
            Map<String, String> env, String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        args.addAll(List.of(command));
        args.addAll(List.of("--port", String.valueOf(port)));
        Path log = out.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("AHA_JAVA_OPTS", javaOpts);
        pb.environment().put("AHA_NO_BUILD", "1"); // this build made the distribution: never rebuild inside it
        Node node = new Node(name, port, pb.start(), log);
        nodes.add(node);
        return node;
    }

    static void awaitLog(Node node, String line, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!node.logText().contains(line)) {
            assertTrue(node.process().isAlive(), node.name() + " exited before '" + line + "': see " + node.log());
            assertTrue(System.nanoTime() < deadline, "no '" + line + "' within " + seconds + " s: see " + node.log());
            Thread.sleep(200);
        }
    }

    /**
     * SIGTERM first, so that each node leaves and removes its Aeron directory itself; one that does not stop is
     * killed and its directory removed here.
     */
    static void stopAll(List<Node> nodes) throws IOException, InterruptedException {
        nodes.forEach(n -> n.process().destroy());
        for (Node n : nodes) {
            if (!n.process().waitFor(20, TimeUnit.SECONDS)) {
                n.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                LocalNodes.removeAeronDirectoriesOf(n.process().pid());
            }
        }
    }

    /**
     * Runs {@code bin/aha-local-cluster} into {@code out} (emptied first) on a free port range until it ends, and
     * asserts it succeeded; its console goes beside {@code out}.
     */
    static void runLocalCluster(Path out, String... args) throws IOException, InterruptedException {
        deleteRecursively(out);
        List<String> line = new ArrayList<>(List.of("bash", Path.of("bin", "aha-local-cluster").toString()));
        line.addAll(List.of(args));
        line.addAll(List.of("--out", out.toString(), "--port", String.valueOf(arteryPortWithWeightPlane())));
        ProcessBuilder cluster = new ProcessBuilder(line);
        cluster.environment().put("AHA_NO_BUILD", "1"); // this build made the distribution: never rebuild inside it
        Path console = out.resolveSibling(out.getFileName() + ".console");
        Process p = cluster.redirectErrorStream(true).redirectOutput(console.toFile()).start();
        try {
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "aha-local-cluster did not finish within 5 minutes");
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), "aha-local-cluster failed: see " + console);
    }
}
