package dev.aha.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.runtime.reward.CodeExecutionReward;
import dev.aha.runtime.reward.RewardInput;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Model-written programs that try to leave the sandbox or take the host down. For each: the reward is 0 with the
 * outcome class the attempt earns, nothing outside the sandbox changed, no process of it survives (every program
 * first starts a sleeper carrying a marker in its command line, and after the run /proc holds none), and the JVM
 * carries on (it can still start processes). Limits are {@link SandboxFixtures#small()}: the suite takes seconds.
 */
class HostileCodeTest {

    private static final String TESTS = "assert f(1) == 4\n";
    private static final String SECRET_VARIABLE = "AHA_SANDBOX_TEST_SECRET";
    private static final Sandbox sandbox = SandboxFixtures.sandbox();
    private static final CodeExecutionReward reward = new CodeExecutionReward(sandbox, false);

    private String marker;
    private Path planted;

    @BeforeEach
    void mark() {
        marker = "aha-hostile-" + UUID.randomUUID();
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (planted != null) {
            Files.deleteIfExists(planted);
        }
    }

    /** Starts a sleeper that carries the marker, detached from the runner, then {@code body}. */
    private String program(String body) {
        return "import os, subprocess, sys, time\n"
                + "subprocess.Popen(['/usr/bin/python3', '-c', 'import time; time.sleep(600)', '" + marker + "'],"
                + " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)\n"
                + "print('sleeper started', flush=True)\n"
                + body;
    }

    private CodeExecutionReward.Scored run(String body) {
        String completion = "<think>x</think> <answer>```python\n" + program(body) + "```</answer>";
        return reward.run(new RewardInput("", completion, TESTS));
    }

    /** Reward 0 with {@code expected}, no marked process left, and the JVM still able to start one. */
    private void assertContained(CodeExecutionReward.Scored scored, Outcome expected) throws Exception {
        String output = scored.result().map(SandboxResult::output).orElse("");
        assertEquals(expected, scored.outcome(), output);
        assertEquals(0.0, scored.score());
        assertTrue(output.startsWith("sleeper started"), "the hostile part ran: " + output);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!SandboxFixtures.processesWith(marker).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20); // SIGKILLed processes vanish from /proc a moment after the kill
        }
        assertEquals(List.of(), SandboxFixtures.processesWith(marker), "processes of the run survived it");
        Process probe = new ProcessBuilder("/bin/true").start();
        assertTrue(probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0, "the JVM can still start processes");
    }

    @Test
    void shouldStopAForkBomb() throws Exception {
        // Failed forks are retried, so the bomb never ends by itself: the limits end it.
        assertContained(run("while True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"),
                Outcome.TIMEOUT);
    }

    @Test
    void shouldStopAnInfiniteLoop() throws Exception {
        assertContained(run("while True:\n    pass\n"), Outcome.TIMEOUT);
    }

    @Test
    void shouldRefuseTenGigabytes() throws Exception {
        assertContained(run("hoard = bytearray(10 * 1024 ** 3)\n"), Outcome.MEMORY);
    }

    @Test
    void shouldNotWriteToTheRootFolder() throws Exception {
        assertCannotWrite(Path.of("/" + marker));
    }

    @Test
    void shouldNotWriteToTheHomeFolder() throws Exception {
        assertCannotWrite(Path.of(System.getProperty("user.home"), marker));
    }

    @Test
    void shouldNotWriteToTheProjectFolder() throws Exception {
        Path module = Path.of("").toAbsolutePath();
        assertTrue(Files.isDirectory(module.resolve("src")), "runs in the module's folder");
        assertCannotWrite(module.resolve(marker));
    }

    /** The program makes the folder (as a sandbox with a writable root would allow) and writes the file. */
    private void assertCannotWrite(Path target) throws Exception {
        planted = target;
        String body = "os.makedirs('" + target.getParent() + "', exist_ok=True)\n"
                + "open('" + target + "', 'w').write('owned')\n";
        assertContained(run(body), Outcome.FAILED);
        assertFalse(Files.exists(target));
    }

    @Test
    void shouldNotReadEtcShadow() throws Exception {
        CodeExecutionReward.Scored scored = run("print(open('/etc/shadow').read())\n");
        assertContained(scored, Outcome.FAILED);
        String output = scored.result().orElseThrow().output();
        assertTrue(output.contains("No such file or directory: '/etc/shadow'"), output);
        assertFalse(output.contains("root:"), output);
    }

    @Test
    void shouldNotSeeTheJvmsEnvironment() throws Exception {
        String secret = System.getenv(SECRET_VARIABLE);
        assertNotNull(secret, SECRET_VARIABLE + " is set for the tests by the surefire configuration");
        long jvm = ProcessHandle.current().pid();
        String body = "print(dict(os.environ))\n"
                + "for p in ['/proc/self/environ', '/proc/1/environ', '/proc/" + jvm + "/environ']:\n"
                + "    try:\n        print(p, open(p, 'rb').read())\n    except OSError as e:\n        print(p, e)\n"
                + "raise SystemExit('looked')\n";
        CodeExecutionReward.Scored scored = run(body);
        assertContained(scored, Outcome.FAILED);
        String output = scored.result().orElseThrow().output();
        assertTrue(output.contains("'PATH': '/usr/bin:/bin'"), output);
        assertFalse(output.contains(secret), output);
        assertFalse(output.contains(SECRET_VARIABLE), output);
    }

    @Test
    void shouldNotConnectToLoopback() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String body = "import socket\nsocket.create_connection(('127.0.0.1', " + server.getLocalPort()
                    + "), timeout=1).sendall(b'hello')\n";
            CodeExecutionReward.Scored scored = run(body);
            assertContained(scored, Outcome.FAILED);
            assertTrue(scored.result().orElseThrow().output().contains("Connection refused"),
                    scored.result().orElseThrow().output());
            server.setSoTimeout(100);
            assertThrows(SocketTimeoutException.class, server::accept, "nothing reached the JVM's listener");
        }
    }

    @Test
    void shouldNotReachOutside() throws Exception {
        CodeExecutionReward.Scored scored = run("import socket\nsocket.create_connection(('1.1.1.1', 53), timeout=1)\n");
        assertContained(scored, Outcome.FAILED);
        assertTrue(scored.result().orElseThrow().output().contains("Network is unreachable"),
                scored.result().orElseThrow().output());
    }

    @Test
    void shouldKillDaemonisedGrandchildren() throws Exception {
        // Double fork and setsid, the classic daemon; the program then waits so that the scan can see the daemon.
        String body = "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
                + "        os.execv('/usr/bin/python3', ['python3', '-c', 'import time; time.sleep(600)', '"
                + marker + "-daemon'])\n    os._exit(0)\n"
                + "time.sleep(1.5)\n";
        CompletableFuture<CodeExecutionReward.Scored> running = CompletableFuture.supplyAsync(() -> run(body));
        boolean seen = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!seen && System.nanoTime() < deadline) {
            seen = SandboxFixtures.processesWith(marker + "-daemon").size() == 1;
            Thread.sleep(20);
        }
        assertTrue(seen, "the scan sees the daemon while the run is under way");
        assertContained(running.get(10, TimeUnit.SECONDS), Outcome.FAILED);
    }

    @Test
    void shouldKillAHundredMegabytesOfOutput() throws Exception {
        CodeExecutionReward.Scored scored = run("chunk = 'x' * 65536\nfor _ in range(1600):\n"
                + "    sys.stdout.write(chunk)\n");
        assertContained(scored, Outcome.KILLED);
        assertEquals(64 << 10, scored.result().orElseThrow().output().length());
    }

    @Test
    void shouldSurviveAProgramKillingItsParents() throws Exception {
        String body = "import signal\n"
                + "for pid in (os.getppid(), 1, " + ProcessHandle.current().pid() + "):\n"
                + "    try:\n        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass\n"
                + "os.killpg(0, signal.SIGKILL)\n";
        assertContained(run(body), Outcome.KILLED);
    }

    @Test
    void shouldKillProcessesThatLeaveTheSession() throws Exception {
        // setsid in a child (the runner already leads its session), a process group of its own, then the parent
        // exits at once, before any test ran.
        String body = "if os.fork() == 0:\n    os.setsid()\n    os.setpgid(0, 0)\n"
                + "    os.execv('/usr/bin/python3', ['python3', '-c', 'import time; time.sleep(600)', '" + marker
                + "'])\ntry:\n    os.setsid()\nexcept OSError:\n    pass\nos._exit(0)\n";
        assertContained(run(body), Outcome.FAILED);
    }
}
