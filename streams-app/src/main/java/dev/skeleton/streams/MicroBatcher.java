package dev.skeleton.streams;

import dev.skeleton.engine.text.TextInput;
import dev.skeleton.streams.classify.DeadLetterKind;
import dev.skeleton.streams.classify.TaskClassifier;
import dev.skeleton.streams.classify.TaskClassifier.Outcome;
import dev.skeleton.streams.classify.TaskClassifier.Refused;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.StreamsException;

/**
 * Per-task micro-batches between one stream task's processor and the {@link InferenceWorkers}: the one place where
 * work leaves the stream thread and results come back to it.
 *
 * <p>Requests of the same task are collected into a batch, which is due when it holds {@link BatchSettings#maxSize()}
 * requests or when its first request has waited {@link BatchSettings#maxDelay()}. A due batch runs as soon as a worker
 * is idle ({@link InferenceWorkers#idle()}); while all are busy, batches keep filling up to the maximum size and wait,
 * oldest first. So batches stay small (low latency) under light load and grow when the model is the bottleneck, which
 * is where batching pays: this is what makes the batching dynamic.
 * Results leave through the {@link Sink}, on the stream thread, in exactly the order their requests were added,
 * whichever batch finishes first: per-key (indeed per-partition) order is kept by construction.
 *
 * <p>Bounded: at most {@link BatchSettings#queueCapacity()} requests, and {@link BatchSettings#queueMaxBytes()}
 * bytes of them, are held, from {@code add} until their result has left. When full, {@code add} runs every open batch
 * and blocks the stream thread until results leave; the
 * stream thread then reads no more input, which is the back-pressure.
 *
 * <p>Commit-safe: {@link #flush()} runs every open batch, waits for all results and hands them to the sink, so
 * nothing is held afterwards. The processor calls it before every commit; a request whose offset is committed has
 * always had its result forwarded first.
 *
 * <p>Threads: {@code add}, {@code addDecided}, {@code poll} and {@code flush} are for the stream thread only; the
 * workers only complete items and wake the stream thread.
 *
 * @param <T> what the caller needs to build the output of one request (the record, its source, ...)
 */
final class MicroBatcher<T> {

    /** Receives each request's result on the stream thread, in the order the requests were added. */
    @FunctionalInterface
    interface Sink<T> {
        void accept(T payload, BatchResult result);
    }

    /** Told about every batch that ran, on the worker thread (for metrics). */
    @FunctionalInterface
    interface BatchObserver {
        void ran(String taskId, int size, long nanos);

        BatchObserver NONE = (taskId, size, nanos) -> {};
    }

    private final BatchSettings settings;
    private final TaskClassifier classifier;
    private final InferenceWorkers workers;
    private final Sink<T> sink;
    private final LongSupplier nanoClock;
    private final BatchObserver observer;
    private static final long PROGRESS_WAIT_MS = 2;

    private final long maxDelayNanos;
    /** Every held request in arrival order; results leave from the head only. */
    private final ArrayDeque<Item<T>> queue = new ArrayDeque<>();
    /** Batches not handed to a worker yet, oldest first; a task may have several while the workers are busy. */
    private final ArrayDeque<OpenBatch<T>> pending = new ArrayDeque<>();
    /** Per task, its newest pending batch while that can still take requests. */
    private final Map<String, OpenBatch<T>> filling = new HashMap<>();
    /** Workers notify here when they complete a batch; the stream thread waits here. */
    private final Object completions = new Object();
    /** Batches completed (or failed) so far; guarded by {@link #completions}, so no wake-up is missed. */
    private long completed;
    /** Bytes of the requests in {@link #queue}. */
    private long heldBytes;

    MicroBatcher(BatchSettings settings, TaskClassifier classifier, InferenceWorkers workers, Sink<T> sink,
            BatchObserver observer) {
        this(settings, classifier, workers, sink, System::nanoTime, observer);
    }

    MicroBatcher(BatchSettings settings, TaskClassifier classifier, InferenceWorkers workers, Sink<T> sink,
            LongSupplier nanoClock) {
        this(settings, classifier, workers, sink, nanoClock, BatchObserver.NONE);
    }

    MicroBatcher(BatchSettings settings, TaskClassifier classifier, InferenceWorkers workers, Sink<T> sink,
            LongSupplier nanoClock, BatchObserver observer) {
        this.settings = settings;
        this.classifier = classifier;
        this.workers = workers;
        this.sink = sink;
        this.nanoClock = nanoClock;
        this.observer = observer;
        this.maxDelayNanos = settings.maxDelay().toNanos();
    }

    /** Queues a request for {@code taskId}'s next batch, counting its texts' bytes; blocks while the batcher is full.
     * */
    void add(T payload, String taskId, TextInput input) {
        add(payload, taskId, input, textBytes(input));
    }

    /** What the texts of {@code input} hold in memory: two bytes a character. */
    static long textBytes(TextInput input) {
        return 2L * (input.text().length() + (input.pair() == null ? 0 : input.pair().length()));
    }

    /** Queues a request of {@code bytes} for {@code taskId}'s next batch; blocks while the batcher is full. */
    void add(T payload, String taskId, TextInput input, long bytes) {
        makeRoom(bytes);
        Item<T> item = new Item<>(payload, nanoClock.getAsLong(), bytes);
        hold(item);
        OpenBatch<T> batch = filling.get(taskId);
        if (batch == null) {
            batch = new OpenBatch<>(taskId, item.addedNanos);
            filling.put(taskId, batch);
            pending.addLast(batch);
        }
        batch.add(item, input);
        if (batch.size() >= settings.maxSize()) {
            filling.remove(taskId);
        }
        dispatchDue();
    }

    /**
     * Queues a request whose outcome is already known (e.g. a dead letter decided before inference), so that it
     * leaves in its place among the others. Blocks while the batcher is full.
     */
    void addDecided(T payload, Outcome outcome, long bytes) {
        makeRoom(bytes);
        Item<T> item = new Item<>(payload, nanoClock.getAsLong(), bytes);
        item.complete(new BatchResult(outcome, 0, 0, nanoClock.getAsLong()));
        hold(item);
    }

    private void hold(Item<T> item) {
        queue.addLast(item);
        heldBytes += item.bytes;
    }

    /** Runs the due batches that idle workers can take, and hands every result that is ready, in order, to the sink. */
    void poll() {
        dispatchDue();
        forwardReady();
    }

    /** Runs every pending batch, waits for every result and hands all to the sink: afterwards nothing is held. */
    void flush() {
        while (!pending.isEmpty()) {
            dispatchNext();
        }
        while (!queue.isEmpty()) {
            awaitProgressUnlessHeadDone();
            forwardReady();
        }
    }

    /** Requests held: added, and whose result has not left yet. */
    int size() {
        return queue.size();
    }

    /** Bytes of the held requests. */
    long bytes() {
        return heldBytes;
    }

    private void makeRoom(long bytes) {
        forwardReady();
        while (queue.size() >= settings.queueCapacity()
                || (!queue.isEmpty() && heldBytes + bytes > settings.queueMaxBytes())) {
            dispatchDue();
            // the head's batch may still be pending, even with busy workers: it must run, or the wait is endless
            OpenBatch<T> oldest = pending.peekFirst();
            if (oldest != null && oldest.items.get(0) == queue.peekFirst()) {
                dispatchNext();
            }
            awaitProgressUnlessHeadDone();
            forwardReady();
        }
    }

    /** Hands due batches to idle workers, oldest first; the rest keep filling (up to the maximum size) and wait. */
    private void dispatchDue() {
        long now = nanoClock.getAsLong();
        for (Iterator<OpenBatch<T>> it = pending.iterator(); it.hasNext() && workers.idle() > 0; ) {
            OpenBatch<T> batch = it.next();
            if (batch.size() >= settings.maxSize() || now - batch.openedNanos >= maxDelayNanos) {
                it.remove();
                dispatch(batch);
            }
        }
    }

    /** Hands the oldest pending batch to the workers, idle or not. */
    private void dispatchNext() {
        dispatch(pending.removeFirst());
    }

    /** Hands a batch, already taken out of {@link #pending}, to the workers: it takes no more requests. */
    private void dispatch(OpenBatch<T> batch) {
        filling.remove(batch.taskId, batch);
        long now = nanoClock.getAsLong();
        batch.items.forEach(item -> item.dispatched(batch, now));
        workers.execute(() -> run(batch), failure -> fail(batch, failure));
    }

    /** On a worker thread: one model call for the whole batch, then every item completed. */
    private void run(OpenBatch<T> batch) {
        long start = nanoClock.getAsLong();
        List<Outcome> outcomes;
        try {
            outcomes = classifier.classify(batch.taskId, batch.inputs);
            if (outcomes.size() != batch.size()) {
                throw new IllegalStateException("the classifier returned " + outcomes.size() + " outcomes for "
                        + batch.size() + " inputs");
            }
        } catch (RuntimeException e) {
            // a classifier should refuse inputs itself; this keeps the stream alive if one does not
            outcomes = Collections.nCopies(batch.size(), new Refused(DeadLetterKind.INFERENCE_FAILED,
                    "task '" + batch.taskId + "' failed: " + e));
        } catch (Error e) {
            fail(batch, e);
            throw e;
        }
        long ready = nanoClock.getAsLong();
        observer.ran(batch.taskId, batch.size(), ready - start);
        for (int i = 0; i < batch.size(); i++) {
            Item<T> item = batch.items.get(i);
            item.complete(new BatchResult(outcomes.get(i), (start - item.addedNanos) / 1e6, batch.size(), ready));
        }
        wake();
    }

    /** The batch cannot run (workers closed, or the JVM is failing): its items fail the stream thread. */
    private void fail(OpenBatch<T> batch, Throwable failure) {
        batch.items.forEach(item -> item.fail(failure));
        wake();
    }

    private void wake() {
        synchronized (completions) {
            completed++;
            completions.notifyAll();
        }
    }

    /**
     * Returns at once if the head of the queue is done, else when some batch completes. Waits at most
     * {@link #PROGRESS_WAIT_MS}: a worker counts as busy for a moment after it completes its batch, so a batch that
     * could not be dispatched on the wake-up gets another look soon.
     */
    private void awaitProgressUnlessHeadDone() {
        Item<T> head = queue.peekFirst();
        synchronized (completions) {
            long seen = completed;
            if (head.isDone()) {
                return;
            }
            try {
                while (completed == seen && !head.isDone()) {
                    completions.wait(PROGRESS_WAIT_MS);
                    if ((!pending.isEmpty() && workers.idle() > 0) || overdue(head)) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StreamsException("interrupted while waiting for inference results", e);
            }
        }
    }

    /**
     * Hands the completed head of the queue to the sink. An item whose batch could not run stops the stream thread:
     * nothing after it is forwarded or committed, so those requests are read again after a restart.
     */
    private void forwardReady() {
        while (!queue.isEmpty() && (queue.peekFirst().isDone() || expired(queue.peekFirst()))) {
            Item<T> item = queue.removeFirst();
            heldBytes -= item.bytes;
            if (item.failure != null) {
                throw new StreamsException("an inference batch could not run: " + item.failure, item.failure);
            }
            sink.accept(item.payload, item.result);
        }
    }

    /**
     * Gives up {@code item} if its batch has had no result for longer than the inference timeout: it becomes a dead
     * letter, so a stuck model cannot hold the stream (and its commits) for ever, and a result that comes later is
     * dropped. Only the head needs the check: results leave in order. Only batches handed to the workers are timed;
     * a request waiting to be handed over waits for a worker.
     */
    private boolean expired(Item<T> item) {
        if (!overdue(item)) {
            return false;
        }
        item.complete(new BatchResult(new Refused(DeadLetterKind.INFERENCE_TIMEOUT, "task '" + item.batch.taskId
                + "': no result within inference.timeout.ms=" + settings.inferenceTimeout().toMillis()),
                (item.dispatchedNanos - item.addedNanos) / 1e6, item.batch.size(), nanoClock.getAsLong()));
        return true;
    }

    private boolean overdue(Item<T> item) {
        long timeout = settings.inferenceTimeout().toNanos();
        return timeout > 0 && item.batch != null && nanoClock.getAsLong() - item.dispatchedNanos > timeout;
    }

    /** One held request. Its result is written by a worker and read by the stream thread. */
    private static final class Item<T> {
        final T payload;
        final long addedNanos;
        final long bytes;
        /** Its batch and when that was handed to the workers; set on the stream thread, read there only. */
        OpenBatch<T> batch;
        long dispatchedNanos;
        volatile BatchResult result;
        volatile Throwable failure;

        Item(T payload, long addedNanos, long bytes) {
            this.payload = payload;
            this.addedNanos = addedNanos;
            this.bytes = bytes;
        }

        void dispatched(OpenBatch<T> batch, long nanos) {
            this.batch = batch;
            this.dispatchedNanos = nanos;
        }

        /** The first result wins: a timed-out request ignores the late one, and vice versa. */
        synchronized void complete(BatchResult r) {
            if (result == null && failure == null) {
                result = r;
            }
        }

        void fail(Throwable t) {
            failure = t;
        }

        boolean isDone() {
            return result != null || failure != null;
        }
    }

    /** A task's batch while it fills up; handed to a worker whole, and never touched by the stream thread again. */
    private static final class OpenBatch<T> {
        final String taskId;
        final long openedNanos;
        final List<Item<T>> items = new ArrayList<>();
        final List<TextInput> inputs = new ArrayList<>();

        OpenBatch(String taskId, long openedNanos) {
            this.taskId = taskId;
            this.openedNanos = openedNanos;
        }

        void add(Item<T> item, TextInput input) {
            items.add(item);
            inputs.add(input);
        }

        int size() {
            return items.size();
        }
    }
}
