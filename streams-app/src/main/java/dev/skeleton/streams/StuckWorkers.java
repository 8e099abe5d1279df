package dev.skeleton.streams;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Whether an inference worker is stuck: a batch still running long after its requests were given up
 * ({@code inference.timeout.ms}). The stream goes on without it, but the thread is lost, and once every worker is
 * lost nothing is labeled again; {@code /health} turns DOWN so that an orchestrator restarts the instance.
 */
final class StuckWorkers implements Supplier<Optional<String>> {

    /** A batch counts as stuck once it has run this many inference timeouts. */
    static final int TIMEOUTS_UNTIL_STUCK = 2;

    private final InferenceWorkers workers;
    private final Duration stuckAfter;

    /** Never stuck when {@code inferenceTimeout} is zero (no timeout: a batch may take as long as it takes). */
    StuckWorkers(InferenceWorkers workers, Duration inferenceTimeout) {
        this.workers = workers;
        this.stuckAfter = inferenceTimeout.multipliedBy(TIMEOUTS_UNTIL_STUCK);
    }

    /** What is wrong, or empty while every running batch is within bounds. */
    @Override
    public Optional<String> get() {
        if (stuckAfter.isZero()) {
            return Optional.empty();
        }
        Duration longest = workers.longestRunning();
        if (longest.compareTo(stuckAfter) < 0) {
            return Optional.empty();
        }
        return Optional.of("an inference worker is stuck: one batch has run " + longest.toMillis() + " ms, more than "
                + TIMEOUTS_UNTIL_STUCK + " x inference.timeout.ms");
    }
}
