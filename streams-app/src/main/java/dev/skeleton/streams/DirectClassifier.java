package dev.skeleton.streams;

import dev.skeleton.engine.text.TextInput;
import dev.skeleton.streams.classify.TaskClassifier;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classification outside the stream, for {@code POST /classify}: the same {@link MicroBatcher}, batch settings,
 * classifier and inference workers as the stream, so HTTP requests are batched (with each other) and share the
 * workers with it. A MicroBatcher belongs to one thread, as it does to a stream thread in the topology; here that is
 * a thread of this class's own, which adds requests and polls for due batches every few milliseconds.
 *
 * <p>Bounded like the stream: at most the batch queue capacity of requests, and its byte bound of their texts, are
 * accepted and unanswered; beyond that {@link #classify} fails at once with {@link RejectedExecutionException} (the
 * HTTP layer answers 503).
 */
final class DirectClassifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DirectClassifier.class);

    private final ScheduledExecutorService owner;
    private final MicroBatcher<CompletableFuture<BatchResult>> batcher;
    private final Semaphore capacity;
    private final int capacityLimit;
    private final long maxBytes;
    private final AtomicLong heldBytes = new AtomicLong();
    private final Set<CompletableFuture<BatchResult>> unanswered = ConcurrentHashMap.newKeySet();

    DirectClassifier(BatchSettings settings, TaskClassifier classifier, InferenceWorkers workers,
            MicroBatcher.BatchObserver observer) {
        this.owner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "skeleton-http-batcher");
            t.setDaemon(true);
            return t;
        });
        this.batcher = new MicroBatcher<>(settings, classifier, workers, (future, result) -> future.complete(result),
                observer);
        this.capacityLimit = settings.queueCapacity();
        this.capacity = new Semaphore(capacityLimit);
        this.maxBytes = settings.queueMaxBytes();
        owner.scheduleWithFixedDelay(() -> onOwner(batcher::poll), settings.tickMs(), settings.tickMs(),
                TimeUnit.MILLISECONDS);
    }

    /** Labels {@code input} with {@code taskId} in the next batch; the future fails if the service is overloaded. */
    CompletableFuture<BatchResult> classify(String taskId, TextInput input) {
        if (!capacity.tryAcquire()) {
            return CompletableFuture.failedFuture(new RejectedExecutionException("overloaded: " + capacityLimit
                    + " requests are waiting for inference (batch.queue.capacity); retry later"));
        }
        long bytes = MicroBatcher.textBytes(input);
        long held = heldBytes.addAndGet(bytes);
        if (held > maxBytes && held != bytes) {
            heldBytes.addAndGet(-bytes);
            capacity.release();
            return CompletableFuture.failedFuture(new RejectedExecutionException("overloaded: the waiting requests "
                    + "hold " + (held - bytes) + " bytes of text (batch.queue.max.bytes=" + maxBytes
                    + "); retry later"));
        }
        CompletableFuture<BatchResult> future = new CompletableFuture<>();
        unanswered.add(future);
        future.whenComplete((r, e) -> {
            unanswered.remove(future);
            heldBytes.addAndGet(-bytes);
            capacity.release();
        });
        try {
            owner.execute(() -> onOwner(() -> {
                batcher.add(future, taskId, input, bytes);
                batcher.poll();
            }));
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new RejectedExecutionException("the service is shutting down"));
        }
        return future;
    }

    /**
     * Runs batcher work on the owner thread. A batch that cannot run at all (the workers are closed: shutdown) fails
     * every unanswered request instead of leaving its caller waiting.
     */
    private void onOwner(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            log.warn("HTTP classification batch failed: {}", e.toString());
            unanswered.forEach(f -> f.completeExceptionally(e));
        }
    }

    @Override
    public void close() {
        owner.shutdownNow();
        unanswered.forEach(f -> f.completeExceptionally(new RejectedExecutionException("the service is stopping")));
    }
}
