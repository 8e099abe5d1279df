package dev.skeleton.engine.runtime;

import java.util.List;

/**
 * A task's answer for one input.
 *
 * @param label         the most probable label
 * @param labels        all labels, in the skeleton's order
 * @param probabilities softmax probability per label, same order
 * @param logits        raw head outputs, same order
 */
public record Classification(String label, List<String> labels, float[] probabilities, float[] logits) {

    /** Probability of the chosen label. */
    public float confidence() {
        return probabilities[labels.indexOf(label)];
    }
}
