package dev.skeleton.streams.registry;

import dev.skeleton.streams.registry.SkeletonRegistry.Change;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs registry updates on a few threads of their own: one task's updates in the order they were submitted, different
 * tasks' in parallel. So a burst of publishes to many tasks, or a restart that replays many, does not build every
 * model one after the other on Kafka Streams' global thread.
 */
final class LoadQueue implements AutoCloseable {

    private static final CompletableFuture<Change> NOTHING_BEFORE = CompletableFuture.completedFuture(null);

    /** How long {@link #close()} waits for running loads: a load takes well under a second. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final ExecutorService threads;
    private final int threadCount;
    /** Per task, the last update submitted and not yet applied; the next one of the task runs after it. */
    private final ConcurrentMap<String, CompletableFuture<Change>> tails = new ConcurrentHashMap<>();
    private volatile boolean closed;

    LoadQueue(int threadCount) {
        this.threadCount = threadCount;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(threadCount, r -> {
            Thread t = new Thread(r, "skeleton-load-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code update} after every update submitted earlier for {@code taskId}, whatever their outcome. The future
     * gives null when the queue was closed before the update ran.
     */
    CompletableFuture<Change> submit(String taskId, Supplier<Change> update) {
        if (closed) {
            return NOTHING_BEFORE;
        }
        CompletableFuture<Change> next = tails.compute(taskId, (id, tail) -> (tail == null ? NOTHING_BEFORE : tail)
                .handle((change, failure) -> null)
                .thenApplyAsync(ignored -> closed ? null : update.get(), threads));
        next.whenComplete((change, failure) -> tails.remove(taskId, next));
        return next;
    }

    /** Whether an update of {@code taskId} is queued or running. */
    boolean pending(String taskId) {
        return tails.containsKey(taskId);
    }

    /**
     * Runs {@code task} once on each of the queue's threads, in parallel, and returns when all are done. Each run waits
     * until every thread has started one, so no thread runs two.
     */
    void runOnEveryThread(Runnable task) {
        CountDownLatch started = new CountDownLatch(threadCount);
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (int i = 0; i < threadCount; i++) {
            runs.add(CompletableFuture.runAsync(() -> {
                started.countDown();
                try {
                    started.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                task.run();
            }, threads));
        }
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).join();
    }

    /**
     * Waits until every update of {@code taskId} submitted so far has been applied; false if one is still pending after
     * {@code timeout} (or the wait was interrupted).
     */
    boolean awaitApplied(String taskId, Duration timeout) {
        CompletableFuture<Change> tail = tails.get(taskId);
        return tail == null || await(tail, timeout);
    }

    /** As {@link #awaitApplied}, for every update submitted so far, of any task. */
    boolean awaitAllApplied(Duration timeout) {
        return await(CompletableFuture.allOf(tails.values().toArray(CompletableFuture[]::new)), timeout);
    }

    private static boolean await(CompletableFuture<?> updates, Duration timeout) {
        try {
            updates.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException e) {
            // applied, and failed: the failure went to the update's own caller
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Takes no more updates, skips the queued ones and waits up to {@link #CLOSE_TIMEOUT} for those running (a native
     * load is not interrupted: it finishes, and the registry, closed by then, closes what it built).
     */
    @Override
    public void close() {
        closed = true;
        awaitAllApplied(CLOSE_TIMEOUT);
        threads.shutdown();
    }
}
