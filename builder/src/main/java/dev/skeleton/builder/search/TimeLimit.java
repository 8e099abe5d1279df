package dev.skeleton.builder.search;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When the build has to end: the search starts no trial and the re-tuning no round that would not finish by then.
 * A build that runs out of time ships the fastest candidate found within the budget so far.
 *
 * @param deadlineNanos the deadline on {@code clock}
 * @param clock         a monotonic clock in nanoseconds ({@link System#nanoTime()} outside tests)
 */
public record TimeLimit(long deadlineNanos, LongSupplier clock) {

    /** No limit. */
    public static final TimeLimit NONE = new TimeLimit(Long.MAX_VALUE, () -> 0L);

    /** {@code limit} from {@code startNanos} on the system's monotonic clock; a zero limit is none. */
    public static TimeLimit of(Duration limit, long startNanos) {
        return limit.isZero() ? NONE : new TimeLimit(startNanos + limit.toNanos(), System::nanoTime);
    }

    /** Seconds left before the deadline (negative once past it). */
    public double remainingSeconds() {
        return this == NONE ? Double.POSITIVE_INFINITY : (deadlineNanos - clock.getAsLong()) / 1e9;
    }

    /** Whether something expected to take {@code seconds} would still end before the deadline. */
    public boolean fits(double seconds) {
        return seconds < remainingSeconds();
    }
}
