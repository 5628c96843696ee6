package dev.aha.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CodeRunPoolTest {

    @Test
    void shouldRefuseARunWhenTheQueueIsFullNeverRunningItOnTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (CodeRunPool pool = new CodeRunPool(1, 1)) {
            CompletableFuture<String> busy = pool.submit(() -> {
                await(release);
                return Thread.currentThread().getName();
            });
            CompletableFuture<String> queued = pool.submit(() -> Thread.currentThread().getName());
            CompletableFuture<String> refused = pool.submit(() -> Thread.currentThread().getName());
            ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(5, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof RejectedExecutionException, e.toString());
            assertTrue(e.getCause().getMessage().contains("queue is full"), e.getCause().getMessage());
            release.countDown();
            assertTrue(busy.get(5, TimeUnit.SECONDS).startsWith("aha-code-run-"));
            assertTrue(queued.get(5, TimeUnit.SECONDS).startsWith("aha-code-run-"));
        }
    }

    @Test
    void shouldHandATasksExceptionToItsFuture() {
        try (CodeRunPool pool = new CodeRunPool(1, 1)) {
            CompletableFuture<Object> failed = pool.submit(() -> {
                throw new IllegalStateException("boom");
            });
            ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(5, TimeUnit.SECONDS));
            assertEquals("boom", e.getCause().getMessage());
        }
    }

    @Test
    void shouldKillTheSandboxesUnderWayWhenClosed() throws Exception {
        String marker = "aha-pool-" + UUID.randomUUID();
        String program = "import subprocess, time\n"
                + "subprocess.Popen(['/usr/bin/python3', '-c', 'import time; time.sleep(600)', '" + marker + "'])\n"
                + "time.sleep(600)\n";
        try (Sandbox sandbox = Sandbox.start(SandboxFixtures.small()
                .withLimits(java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(60), 256L << 20, 8, 4096))) {
            CodeRunPool pool = new CodeRunPool(1, 1);
            CompletableFuture<SandboxResult> run = pool.submit(() -> sandbox.run(program, "assert True\n"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (SandboxFixtures.processesWith(marker).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, SandboxFixtures.processesWith(marker).size(), "the run is under way");
            pool.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("interrupted"), e.getCause().toString());
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (!SandboxFixtures.processesWith(marker).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(List.of(), SandboxFixtures.processesWith(marker));
        }
    }

    @Test
    void shouldRefuseAPoolWithoutThreadsOrQueue() {
        assertThrows(IllegalArgumentException.class, () -> new CodeRunPool(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new CodeRunPool(1, 0));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
