package dev.skeleton.streams;

import dev.skeleton.engine.runtime.Classification;
import dev.skeleton.engine.text.TextInput;

/**
 * What the topology asks to label one input with one task. Implementations never fall back to another task or
 * to the base model: a task they cannot serve is {@link Refused}. The production implementation is
 * {@link RegistryTaskClassifier}; tests of the topology use stubs.
 */
public interface TaskClassifier {

    /** Labels {@code input} with {@code taskId}'s current skeleton, or says why it cannot. */
    Outcome classify(String taskId, TextInput input);

    /** The answer for one input. */
    sealed interface Outcome permits Labeled, Refused {}

    /**
     * A label and where it came from.
     *
     * @param classification       label and per-label probabilities, in the skeleton's label order
     * @param skeletonVersion      version of the skeleton that produced it
     * @param baseModelFingerprint fingerprint of the base encoder the skeleton runs on
     * @param inferenceMs          time spent in the model for this input's batch
     */
    record Labeled(Classification classification, long skeletonVersion, String baseModelFingerprint,
            double inferenceMs) implements Outcome {}

    /**
     * The input cannot be labeled; it goes to the dead-letter topic.
     *
     * @param kind   {@link DeadLetterKind#UNKNOWN_TASK}, {@link DeadLetterKind#WRONG_INPUT_SHAPE} or
     *               {@link DeadLetterKind#INFERENCE_FAILED}
     * @param reason what was wrong, for a human
     */
    record Refused(DeadLetterKind kind, String reason) implements Outcome {}
}
