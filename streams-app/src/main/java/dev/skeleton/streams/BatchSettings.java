package dev.skeleton.streams;

import java.time.Duration;

/**
 * How requests are grouped into inference batches (keys {@code batch.*} of {@link StreamsAppConfig}).
 *
 * @param maxSize       a task's batch runs as soon as it holds this many requests
 * @param maxDelay      a batch runs at the latest this long after its first request arrived
 * @param queueCapacity most requests a stream task holds between reading them and forwarding their results;
 *                      when full, the stream thread waits (back-pressure)
 */
public record BatchSettings(int maxSize, Duration maxDelay, int queueCapacity) {

    public BatchSettings {
        if (maxSize < 1 || queueCapacity < maxSize || maxDelay.isNegative()) {
            throw new IllegalArgumentException("need 1 <= maxSize <= queueCapacity and maxDelay >= 0, got " + maxSize
                    + ", " + queueCapacity + ", " + maxDelay);
        }
    }
}
