package dev.skeleton.streams;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inference batches on a named Vert.x worker pool ({@value #POOL_NAME}). Inference blocks for milliseconds to
 * seconds, so it runs only here, never on an event loop; the pool's size bounds how many batches run at once.
 */
public final class VertxInferenceWorkers implements InferenceWorkers {

    /** Name of the worker pool, as seen in thread names and Vert.x metrics. */
    public static final String POOL_NAME = "skeleton-inference";

    private static final Logger log = LoggerFactory.getLogger(VertxInferenceWorkers.class);
    private static final long CLOSE_TIMEOUT_SECONDS = 30;
    /** Vert.x logs a blocked-thread warning past this; a batch taking that long is worth a warning. */
    private static final long MAX_EXECUTE_SECONDS = 30;

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final WorkerExecutor executor;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int size;
    /** Jobs handed over and not finished: running, or queued for a thread. */
    private final AtomicInteger busy = new AtomicInteger();
    /** Start time (nanos) of each running job, keyed by a token of its own. */
    private final Map<Object, Long> running = new ConcurrentHashMap<>();

    /** A pool of {@code workers} threads on {@code vertx}, which the caller keeps and closes. */
    public VertxInferenceWorkers(Vertx vertx, int workers) {
        this(vertx, workers, false);
    }

    private VertxInferenceWorkers(Vertx vertx, int workers, boolean ownsVertx) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.size = workers;
        this.executor = vertx.createSharedWorkerExecutor(POOL_NAME, workers, MAX_EXECUTE_SECONDS, TimeUnit.SECONDS);
    }

    /** A pool on a Vert.x instance of its own, closed with the pool (tests, tools). */
    public static VertxInferenceWorkers standalone(int workers) {
        return new VertxInferenceWorkers(Vertx.vertx(), workers, true);
    }

    @Override
    public void execute(Runnable job, Consumer<Throwable> rejected) {
        if (closed.get()) {
            rejected.accept(new RejectedExecutionException("the inference workers are closed"));
            return;
        }
        AtomicBoolean started = new AtomicBoolean();
        busy.incrementAndGet();
        Future<Void> done = executor.executeBlocking(() -> {
            started.set(true);
            Object token = new Object();
            running.put(token, System.nanoTime());
            try {
                job.run();
            } finally {
                running.remove(token);
                busy.decrementAndGet();
            }
            return null;
        }, false);
        done.onFailure(e -> {
            if (!started.get()) {
                busy.decrementAndGet();
                rejected.accept(e);
            } else {
                // jobs handle their own failures; one that escapes is a bug, and the job has completed its items
                log.error("an inference job failed", e);
            }
        });
    }

    @Override
    public Duration longestRunning() {
        long now = System.nanoTime();
        return Duration.ofNanos(running.values().stream().mapToLong(start -> now - start).max().orElse(0));
    }

    @Override
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (busy.get() > 0) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public int idle() {
        return Math.max(0, size - busy.get());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        await(executor.close(), "closing the inference workers");
        if (ownsVertx) {
            await(vertx.close(), "closing Vert.x");
        }
    }

    private static void await(Future<?> future, String what) {
        try {
            future.toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("{} failed: {}", what, e.toString());
        }
    }
}
