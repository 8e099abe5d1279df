package dev.skeleton.streams;

import java.time.Duration;

/**
 * How requests are grouped into inference batches (keys {@code batch.*} of {@link StreamsAppConfig}).
 *
 * @param maxSize       a task's batch runs as soon as it holds this many requests
 * @param maxDelay      a batch runs at the latest this long after its first request arrived
 * @param queueCapacity most requests a stream task holds between reading them and forwarding their results;
 *                      when full, the stream thread waits (back-pressure)
 * @param queueMaxBytes most bytes of requests a stream task holds likewise (a request alone may pass it, so a
 *                      large one still runs): a count alone would let 256 records of 1 MB each fill the heap
 * @param inferenceTimeout a batch handed to the workers that has no result this long after is given up: its requests
 *                      become {@code INFERENCE_TIMEOUT} dead letters; zero waits for ever
 */
public record BatchSettings(int maxSize, Duration maxDelay, int queueCapacity, long queueMaxBytes,
        Duration inferenceTimeout) {

    /** The default of {@code batch.queue.max.bytes}: 64 MiB. */
    public static final long DEFAULT_QUEUE_MAX_BYTES = 64L << 20;
    /** The default of {@code inference.timeout.ms}: 30 s. */
    public static final Duration DEFAULT_INFERENCE_TIMEOUT = Duration.ofSeconds(30);

    public BatchSettings {
        if (maxSize < 1 || queueCapacity < maxSize || maxDelay.isNegative() || queueMaxBytes < 1
                || inferenceTimeout.isNegative()) {
            throw new IllegalArgumentException("need 1 <= maxSize <= queueCapacity, maxDelay >= 0, queueMaxBytes >= 1"
                    + " and inferenceTimeout >= 0, got " + maxSize + ", " + queueCapacity + ", " + maxDelay + ", "
                    + queueMaxBytes + ", " + inferenceTimeout);
        }
    }

    /** Longest a due batch waits when no input arrives: how often the batcher's owner polls it. */
    private static final long MAX_TICK_MS = 10;

    /**
     * How often, in milliseconds, the owner of a batcher polls it for due batches and ready results when no input
     * arrives: the batch delay, between 1 and {@value #MAX_TICK_MS} ms.
     */
    public long tickMs() {
        return Math.max(1, Math.min(MAX_TICK_MS, maxDelay.toMillis()));
    }

    /** Settings with the default byte bound and inference timeout. */
    public BatchSettings(int maxSize, Duration maxDelay, int queueCapacity) {
        this(maxSize, maxDelay, queueCapacity, DEFAULT_QUEUE_MAX_BYTES);
    }

    /** Settings with the default inference timeout. */
    public BatchSettings(int maxSize, Duration maxDelay, int queueCapacity, long queueMaxBytes) {
        this(maxSize, maxDelay, queueCapacity, queueMaxBytes, DEFAULT_INFERENCE_TIMEOUT);
    }
}
