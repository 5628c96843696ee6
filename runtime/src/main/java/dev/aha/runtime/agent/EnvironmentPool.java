package dev.aha.runtime.agent;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads environments and tools run on, beside the rollouts and never on an actor dispatcher: a fixed pool fed
 * from a bounded queue. Each call has a deadline: past it, its future fails with {@link TimeoutException} at once and
 * its thread is interrupted (a tool that ignores interrupts keeps its thread until it returns, so the pool's size
 * bounds how many such calls can hang at once). A call that finds the queue full fails with
 * {@link RejectedExecutionException}, never runs on the caller's thread.
 */
public final class EnvironmentPool implements AutoCloseable {

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ThreadPoolExecutor executor;
    private final ScheduledExecutorService deadlines;

    public EnvironmentPool(int threads, int queue) {
        int pool = POOLS.incrementAndGet();
        AtomicInteger index = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queue), r -> daemon(r, "aha-environment-" + pool + "-"
                        + index.incrementAndGet()), new ThreadPoolExecutor.AbortPolicy());
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "aha-environment-deadlines-"
                + pool));
    }

    public static EnvironmentPool of(AgentSettings settings) {
        return new EnvironmentPool(settings.threads(), settings.queue());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Runs {@code work} on a pool thread; the future fails past {@code timeout} or when the queue is full. */
    public <T> CompletableFuture<T> submit(Callable<T> work, Duration timeout) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Future<?> task;
        try {
            task = executor.submit(() -> {
                try {
                    result.complete(work.call());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new RejectedExecutionException("the environment queue is full ("
                    + executor.getQueue().size() + " waiting on " + executor.getMaximumPoolSize() + " threads)"));
            return result;
        }
        deadlines.schedule(() -> {
            if (result.completeExceptionally(new TimeoutException("no answer in " + timeout.toMillis() + " ms"))) {
                task.cancel(true);
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        return result;
    }

    /** Stops taking calls and interrupts those under way. */
    @Override
    public void close() {
        executor.shutdownNow();
        deadlines.shutdownNow();
    }
}
