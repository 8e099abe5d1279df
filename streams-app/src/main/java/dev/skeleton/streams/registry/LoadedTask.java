package dev.skeleton.streams.registry;

import dev.skeleton.engine.runtime.TaskModel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loaded model with a reference count, so that a swapped-out or retired version is closed only after the last
 * in-flight classification on it has finished. The registry holds one reference while the version is current.
 */
final class LoadedTask {

    private final TaskModel model;
    private final AtomicInteger references = new AtomicInteger(1);
    private final long loadedAtMillis = System.currentTimeMillis();

    LoadedTask(TaskModel model) {
        this.model = model;
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
