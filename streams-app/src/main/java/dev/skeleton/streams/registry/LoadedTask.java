package dev.skeleton.streams.registry;

import dev.skeleton.engine.runtime.TaskModel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loaded model with a reference count, so that a swapped-out or retired version is closed only after the last
 * in-flight classification on it has finished. The registry holds one reference while the version is current.
 */
final class LoadedTask {

    private final TaskModel model;
    private final AtomicInteger references = new AtomicInteger(1);
    private final long loadedAtMillis = System.currentTimeMillis();
    private final long loadedAtNanos = System.nanoTime();
    private final long publishedAtMillis;
    private final SwapPhase.Listener swapListener;
    private final AtomicBoolean labeled = new AtomicBoolean();

    /**
     * @param publishedAtMillis when the version was published (the registry record's timestamp), or -1 if unknown
     * @param swapListener      told the {@link SwapPhase#FIRST_BATCH} and {@link SwapPhase#TOTAL} of this version
     */
    LoadedTask(TaskModel model, long publishedAtMillis, SwapPhase.Listener swapListener) {
        this.model = model;
        this.publishedAtMillis = publishedAtMillis;
        this.swapListener = swapListener;
    }

    /** Called after each batch this version labeled; the first one ends the swap. */
    void labeledBatch() {
        if (labeled.compareAndSet(false, true)) {
            swapListener.phase(model.taskId(), model.version(), SwapPhase.FIRST_BATCH,
                    Duration.ofNanos(System.nanoTime() - loadedAtNanos));
            if (publishedAtMillis >= 0) {
                swapListener.phase(model.taskId(), model.version(), SwapPhase.TOTAL,
                        Duration.ofMillis(Math.max(0, System.currentTimeMillis() - publishedAtMillis)));
            }
        }
    }

    /** When this version was swapped in, epoch milliseconds. */
    long loadedAtMillis() {
        return loadedAtMillis;
    }

    TaskModel model() {
        return model;
    }

    /** Takes a reference; false once the model is closed (or closing), then the caller must look again. */
    boolean tryAcquire() {
        while (true) {
            int n = references.get();
            if (n == 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one closes the model. */
    void release() {
        if (references.decrementAndGet() == 0) {
            model.close();
        }
    }
}
