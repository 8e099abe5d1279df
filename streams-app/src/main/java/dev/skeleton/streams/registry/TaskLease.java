package dev.skeleton.streams.registry;

import dev.skeleton.engine.runtime.TaskModel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The right to use one version of a task's model until {@link #close()}. A hot-swap or retirement during the lease
 * does not close the model under the caller; it is closed when the last lease on it ends.
 */
public final class TaskLease implements AutoCloseable {

    private final LoadedTask task;
    private final AtomicBoolean closed = new AtomicBoolean();

    TaskLease(LoadedTask task) {
        this.task = task;
    }

    public TaskModel model() {
        return task.model();
    }

    /** Says that a batch was labeled with this lease's model (the first one ends the version's swap). */
    public void labeledBatch() {
        task.labeledBatch();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            task.release();
        }
    }
}
