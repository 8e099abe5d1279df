package dev.skeleton.builder.train;

/** How a neuron's (or head's) importance for a task is scored. */
public enum AttributionMethod {
    /** |gradient x activation|, summed over tokens, averaged over examples. One backward pass per batch. */
    GRADIENT_X_ACTIVATION,
    /**
     * Integrated gradients with a zero baseline: the gate goes from 0 to 1 in m steps (midpoint rule) and the
     * gradients are averaged; m backward passes per batch.
     */
    INTEGRATED_GRADIENTS
}
