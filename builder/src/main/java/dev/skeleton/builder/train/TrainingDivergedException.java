package dev.skeleton.builder.train;

/**
 * Training kept meeting non-finite losses or gradients, so its parameters cannot be trusted. The prompt-tuning
 * phase ends the build with it; the budget search counts a candidate that diverged as one that missed.
 */
public final class TrainingDivergedException extends IllegalStateException {

    public TrainingDivergedException(String message) {
        super(message);
    }
}
