package dev.aha.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each outcome class made to happen, and the runner's report checked before it is believed. */
class SandboxTest {

    private static final String F = "def f(x):\n    return x + 3\n";
    private static final String TESTS = "assert f(1) == 4\nassert f(2) == 5\nassert f(0) == 3\n";
    private static final Sandbox sandbox = SandboxFixtures.sandbox();

    @Test
    void shouldPassWhenEveryTestPasses() {
        SandboxResult r = sandbox.run(F, TESTS);
        assertEquals(Outcome.PASSED, r.outcome(), r.output());
        assertEquals(3, r.testsPassed());
        assertEquals(3, r.tests());
    }

    @Test
    void shouldCountTestsPassedWhenSomeFail() {
        SandboxResult r = sandbox.run("def f(x):\n    return 4 if x == 1 else 0\n", TESTS);
        assertEquals(Outcome.FAILED, r.outcome(), r.output());
        assertEquals(1, r.testsPassed());
        assertEquals(3, r.tests());
        assertEquals(1.0 / 3, r.fractionPassed(), 1e-9);
    }

    @Test
    void shouldCountHumanEvalsCheckCallAsOneTest() {
        String tests = "METADATA = {}\n\ndef check(candidate):\n    assert candidate(1) == 4\n\ncheck(f)\n";
        SandboxResult r = sandbox.run(F, tests);
        assertEquals(Outcome.PASSED, r.outcome(), r.output());
        assertEquals(1, r.tests());
    }

    @Test
    void shouldReportSyntaxErrors() {
        SandboxResult r = sandbox.run("def f(x) return x\n", TESTS);
        assertEquals(Outcome.SYNTAX_ERROR, r.outcome(), r.output());
        assertEquals(Outcome.SYNTAX_ERROR, sandbox.run("def f(x):\nreturn x\n", TESTS).outcome());
        assertEquals(Outcome.SYNTAX_ERROR, sandbox.run("x = '\0'\n", TESTS).outcome());
    }

    @Test
    void shouldFailAProgramThatRaisesBeforeItsTests() {
        assertEquals(Outcome.FAILED, sandbox.run("raise ValueError('no')\n" + F, TESTS).outcome());
    }

    @Test
    void shouldFailWhenATestsDefinitionFails() {
        SandboxResult r = sandbox.run(F, "import no_such_module\nassert f(1) == 4\n");
        assertEquals(Outcome.FAILED, r.outcome(), r.output());
        assertEquals(0, r.testsPassed());
    }

    @Test
    void shouldFailTestsWithoutAnAssertion() {
        assertEquals(Outcome.FAILED, sandbox.run(F, "x = f(1)\n").outcome());
    }

    @Test
    void shouldFailAProgramThatExitsBeforeItsTestsRun() {
        assertEquals(Outcome.FAILED, sandbox.run(F + "import sys\nsys.exit(0)\n", TESTS).outcome());
        SandboxResult hard = sandbox.run(F + "import os\nos._exit(0)\n", TESTS);
        assertEquals(Outcome.FAILED, hard.outcome(), hard.output());
        assertEquals(0, hard.exitStatus());
    }

    @Test
    void shouldNotBelieveAResultLineWithoutThisRunsNonce() {
        String forged = F + "import os\nos.write(1, b'\\nAHA-RESULT " + "0".repeat(32) + " passed 3 3\\n')\nos._exit(0)\n";
        assertEquals(Outcome.FAILED, sandbox.run(forged, TESTS).outcome());
    }

    @Test
    void shouldNotLetAForkedChildReportForItsParent() {
        // The child passes the tests; the parent fails them and waits: only the parent may report.
        String program = "import os, time\npid = os.fork()\nparent = pid != 0\n"
                + "def f(x):\n    if parent:\n        time.sleep(0.3)\n        return 0\n    return x + 3\n";
        SandboxResult r = sandbox.run(program, TESTS);
        assertEquals(Outcome.FAILED, r.outcome(), r.output());
    }

    @Test
    void shouldNotBeFooledByAPatchedOsModule() {
        String program = F + "import os\nos.getpid = lambda: 1\nos.write = lambda fd, b: len(b)\n";
        assertEquals(Outcome.PASSED, sandbox.run(program, TESTS).outcome());
    }

    @Test
    void shouldReportMemoryErrors() {
        SandboxResult r = sandbox.run("big = bytearray(1 << 30)\n" + F, TESTS);
        assertEquals(Outcome.MEMORY, r.outcome(), r.output());
    }

    @Test
    void shouldTimeOutOnCpuTime() {
        SandboxResult r = sandbox.run("while True:\n    pass\n", TESTS);
        assertEquals(Outcome.TIMEOUT, r.outcome(), r.output());
        assertEquals(128 + 24, r.exitStatus(), "ended by RLIMIT_CPU's SIGXCPU, not the wall clock");
    }

    @Test
    @Tag("slow") // waits out the 5 s wall limit: in verify
    void shouldTimeOutOnWallTime() {
        long start = System.nanoTime();
        SandboxResult r = sandbox.run("import time\ntime.sleep(60)\n", TESTS);
        assertEquals(Outcome.TIMEOUT, r.outcome(), r.output());
        assertEquals(-1, r.exitStatus(), "killed by the watchdog");
        assertTrue(System.nanoTime() - start < 9_000_000_000L, "killed near the 5 s limit");
    }

    @Test
    void shouldKillAtTheOutputLimit() {
        SandboxResult r = sandbox.run("import sys\nsys.stdout.write('x' * 100000)\n" + F, TESTS);
        assertEquals(Outcome.KILLED, r.outcome());
        assertEquals(64 << 10, r.output().length());
    }

    @Test
    void shouldCallAProgramKilledByASignalKilled() {
        SandboxResult r = sandbox.run("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n", TESTS);
        assertEquals(Outcome.KILLED, r.outcome(), r.output());
        assertEquals(128 + 11, r.exitStatus());
    }

    @Test
    void shouldLimitFilesToTheScratchSize() {
        String program = "with open('big', 'wb') as f:\n    f.write(b'x' * (17 << 20))\n" + F;
        SandboxResult r = sandbox.run(program, TESTS);
        assertEquals(Outcome.FAILED, r.outcome(), r.output());
        assertTrue(r.output().contains("File too large") || r.output().contains("No space left"), r.output());
    }

    @Test
    void shouldGiveEachRunAFreshScratchFolder() {
        String write = "import os\nopen('left-behind', 'w').write('x')\nassert os.getcwd() == '/tmp'\n" + F;
        assertEquals(Outcome.PASSED, sandbox.run(write, TESTS).outcome());
        String read = "import os\nassert not os.path.exists('/tmp/left-behind')\n" + F;
        assertEquals(Outcome.PASSED, sandbox.run(read, TESTS).outcome());
    }

    @Test
    void shouldRefuseToStartWithoutBubblewrapNamingThePackage() {
        SandboxSettings missing = SandboxFixtures.small().withBubblewrap(Path.of("/nonexistent/bwrap"));
        SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class, () -> Sandbox.start(missing));
        assertTrue(e.getMessage().contains("apt-get install bubblewrap"), e.getMessage());
        assertTrue(e.getMessage().contains("never unsandboxed"), e.getMessage());
    }

    @Test
    void shouldRefuseToStartAsRootWithoutSetpriv() throws Exception {
        SandboxSettings noSetpriv = SandboxFixtures.small().withSetpriv(Path.of("/nonexistent/setpriv"));
        if (new SandboxCommand(noSetpriv).dropsRoot()) {
            SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class,
                    () -> Sandbox.start(noSetpriv));
            assertTrue(e.getMessage().contains("apt-get install util-linux"), e.getMessage());
        } else {
            Sandbox.start(noSetpriv).close(); // not root: bwrap runs unprivileged, setpriv is not needed
        }
    }

    @Test
    void shouldFailARunWhoseToolVanishedAfterStart(@TempDir Path dir) throws Exception {
        Path copy = Files.copy(Path.of("/usr/bin/bwrap"), dir.resolve("bwrap"));
        try (Sandbox vanishing = Sandbox.start(SandboxFixtures.small().withBubblewrap(copy))) {
            Files.delete(copy);
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> vanishing.run(F, TESTS));
            assertTrue(e.getMessage().contains("cannot start the sandbox"), e.getMessage());
        }
    }

    @Test
    @Tag("slow") // waits out the 5 s wall limit: in verify
    void shouldTimeOutAProgramThatClosesItsOutputAndLingers() {
        // Closing its output does not end the run (bwrap holds the pipe until it exits): the wall limit does.
        SandboxResult r = sandbox.run("import os, time\nos.close(1)\nos.close(2)\ntime.sleep(60)\n", TESTS);
        assertEquals(Outcome.TIMEOUT, r.outcome(), r.output());
    }

    @Test
    void shouldRefuseToStartWhenATrivialProgramDoesNotPass() {
        // /usr/bin/true exits 0 without running anything: the self-check sees no report and refuses.
        SandboxSettings broken = SandboxFixtures.small().withBubblewrap(Path.of("/usr/bin/true"));
        SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class, () -> Sandbox.start(broken));
        assertTrue(e.getMessage().contains("does not work on this host"), e.getMessage());
    }

    @Test
    void shouldRefuseBadSettingsNamingTheKey() {
        SandboxSettings s = SandboxFixtures.small();
        IllegalArgumentException wall = assertThrows(IllegalArgumentException.class,
                () -> s.withLimits(Duration.ofSeconds(5), Duration.ofSeconds(1), 256L << 20, 8, 1024));
        assertTrue(wall.getMessage().contains("aha.sandbox.wall-time"), wall.getMessage());
        IllegalArgumentException memory = assertThrows(IllegalArgumentException.class,
                () -> s.withLimits(Duration.ofSeconds(1), Duration.ofSeconds(1), 1 << 20, 8, 1024));
        assertTrue(memory.getMessage().contains("aha.sandbox.memory"), memory.getMessage());
        IllegalArgumentException processes = assertThrows(IllegalArgumentException.class,
                () -> s.withLimits(Duration.ofSeconds(1), Duration.ofSeconds(1), 256L << 20, 1, 1024));
        assertTrue(processes.getMessage().contains("aha.sandbox.max-processes"), processes.getMessage());
        IllegalArgumentException relative = assertThrows(IllegalArgumentException.class,
                () -> s.withBubblewrap(Path.of("bwrap")));
        assertTrue(relative.getMessage().contains("aha.sandbox.bubblewrap"), relative.getMessage());
        assertFalse(s.cpuSeconds() < 1);
    }
}
