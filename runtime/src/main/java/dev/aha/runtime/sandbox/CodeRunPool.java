package dev.aha.runtime.sandbox;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads code rewards run on: {@code aha.sandbox.max-concurrent} of them, each blocking on one sandboxed child
 * at a time, fed from a queue of {@code aha.sandbox.queue} runs. A run that finds the queue full is refused (its
 * future fails with {@link RejectedExecutionException}), never run on the caller's thread: callers are actors on
 * Pekko's dispatchers, which must not block for seconds. An exception that escapes a task is logged by the threads'
 * handler; {@link #submit} hands the task's own exceptions to its future.
 */
public final class CodeRunPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CodeRunPool.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ThreadPoolExecutor executor;

    public CodeRunPool(int threads, int queueCapacity) {
        if (threads < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("a code-run pool needs >= 1 thread and queue capacity >= 1, got "
                    + threads + " and " + queueCapacity);
        }
        int pool = POOLS.incrementAndGet();
        AtomicInteger index = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), r -> {
                    Thread t = new Thread(r, "aha-code-run-" + pool + "-" + index.incrementAndGet());
                    t.setDaemon(true);
                    t.setUncaughtExceptionHandler((thread, e) -> LOG.error("uncaught in {}", thread.getName(), e));
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** For {@code aha.sandbox}: max-concurrent threads, a queue of {@code queue}. */
    public static CodeRunPool of(SandboxSettings settings) {
        return new CodeRunPool(settings.maxConcurrent(), settings.queueCapacity());
    }

    /** Runs {@code work} on a pool thread; a full queue fails the returned future at once. */
    public <T> CompletableFuture<T> submit(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new RejectedExecutionException("the code-run queue is full ("
                    + executor.getQueue().size() + " waiting on " + executor.getMaximumPoolSize() + " threads)", e));
        }
    }

    /** Runs waiting for a thread now. */
    public int queued() {
        return executor.getQueue().size();
    }

    /** Stops taking runs, interrupts those under way (their sandboxes are killed) and waits for the threads. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("code-run threads still busy 10 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
