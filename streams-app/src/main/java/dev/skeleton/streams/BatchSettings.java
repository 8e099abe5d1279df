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
 */
public record BatchSettings(int maxSize, Duration maxDelay, int queueCapacity, long queueMaxBytes) {

    /** The default of {@code batch.queue.max.bytes}: 64 MiB. */
    public static final long DEFAULT_QUEUE_MAX_BYTES = 64L << 20;

    public BatchSettings {
        if (maxSize < 1 || queueCapacity < maxSize || maxDelay.isNegative() || queueMaxBytes < 1) {
            throw new IllegalArgumentException("need 1 <= maxSize <= queueCapacity, maxDelay >= 0 and queueMaxBytes"
                    + " >= 1, got " + maxSize + ", " + queueCapacity + ", " + maxDelay + ", " + queueMaxBytes);
        }
    }

    /** Settings with the default byte bound. */
    public BatchSettings(int maxSize, Duration maxDelay, int queueCapacity) {
        this(maxSize, maxDelay, queueCapacity, DEFAULT_QUEUE_MAX_BYTES);
    }
}
