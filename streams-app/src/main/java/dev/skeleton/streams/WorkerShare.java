package dev.skeleton.streams;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A bounded share of shared {@link InferenceWorkers}: at most {@code limit} of this share's jobs are handed over
 * (queued or running) at once. {@code POST /classify} runs through one, so that HTTP load, however heavy, leaves the
 * other workers to the stream. The bound works through {@link #idle()}, which the {@link MicroBatcher} asks before
 * it hands a batch over; closing a share leaves the shared workers running.
 */
final class WorkerShare implements InferenceWorkers {

    private final InferenceWorkers shared;
    private final int limit;
    private final AtomicInteger handedOver = new AtomicInteger();

    WorkerShare(InferenceWorkers shared, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a worker share needs at least one worker, got " + limit);
        }
        this.shared = shared;
        this.limit = limit;
    }

    @Override
    public void execute(Runnable job, Consumer<Throwable> rejected) {
        handedOver.incrementAndGet();
        shared.execute(() -> {
            try {
                job.run();
            } finally {
                handedOver.decrementAndGet();
            }
        }, e -> {
            handedOver.decrementAndGet();
            rejected.accept(e);
        });
    }

    @Override
    public int idle() {
        return Math.max(0, Math.min(shared.idle(), limit - handedOver.get()));
    }

    /** The shared workers belong to the service, not to this share. */
    @Override
    public void close() {}
}
