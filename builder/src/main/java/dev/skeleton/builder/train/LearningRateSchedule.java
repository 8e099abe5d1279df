package dev.skeleton.builder.train;

/**
 * Linear warm-up to the peak rate, then linear decay to zero at the last step. The last step may be moved earlier
 * while training runs ({@link #endAt}); the decay then goes on from the rate reached, so the rate never jumps.
 */
final class LearningRateSchedule {

    private final float peak;
    private final int warmup;
    private int totalSteps;
    private int decayFrom;
    private float decayFromRate;

    /**
     * Warm-up over 6% of {@code totalSteps}, at most a quarter of an epoch: a long plan that a time budget may cut
     * short should not spend its first epoch warming up (runs of up to four epochs are not affected).
     */
    LearningRateSchedule(float peak, int totalSteps, int stepsPerEpoch) {
        this.peak = peak;
        this.warmup = Math.max(1, Math.min(totalSteps * 6 / 100, stepsPerEpoch / 4));
        this.totalSteps = totalSteps;
        this.decayFrom = warmup;
        this.decayFromRate = peak;
    }

    /** The rate of optimizer step {@code step}, counted from 1. */
    float rate(int step) {
        if (step <= warmup) {
            return peak * step / warmup;
        }
        if (step >= totalSteps) {
            return 0f;
        }
        return Math.max(0f, decayFromRate * (totalSteps - step) / (totalSteps - decayFrom));
    }

    /** Ends the decay at {@code newTotalSteps} instead, going on from the rate of step {@code step}. */
    void endAt(int step, int newTotalSteps) {
        decayFromRate = rate(step);
        decayFrom = step;
        totalSteps = newTotalSteps;
    }

    int totalSteps() {
        return totalSteps;
    }
}
