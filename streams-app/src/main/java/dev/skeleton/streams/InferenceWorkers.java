package dev.skeleton.streams;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Where inference batches run: threads of their own, so a stream thread keeps reading and parsing while the model
 * works. The production implementation is {@link VertxInferenceWorkers}.
 */
public interface InferenceWorkers extends AutoCloseable {

    /**
     * Runs {@code job} on a worker thread, later. If it can never run (the workers are closed), calls
     * {@code rejected} instead, on some thread, so that whoever waits for the job is not left waiting forever.
     */
    void execute(Runnable job, Consumer<Throwable> rejected);

    /**
     * Workers free to start a job now: the {@link MicroBatcher} hands a due batch over only when one is, so that
     * requests arriving meanwhile join a batch instead of queueing as batches of their own. Unbounded by default.
     */
    default int idle() {
        return Integer.MAX_VALUE;
    }

    /**
     * How long the job that has run longest is running so far; zero when none runs. A job far past the inference
     * timeout means a worker is stuck ({@link StuckWorkers}).
     */
    default Duration longestRunning() {
        return Duration.ZERO;
    }

    /**
     * Waits until no job is queued or running, at most {@code timeout}; returns whether none is. Until then, native
     * memory that a job may use (models, the base model's weights) must not be freed.
     */
    default boolean awaitIdle(Duration timeout) {
        return true;
    }

    /** Stops the workers; jobs already running finish. */
    @Override
    void close();
}
