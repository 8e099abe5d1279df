package dev.skeleton.streams.classify;

import dev.skeleton.engine.runtime.Classification;
import dev.skeleton.engine.text.TextInput;
import java.util.List;

/**
 * What the topology asks to label a batch of inputs with one task. Implementations never fall back to another
 * task or to the base model: a task they cannot serve is {@link Refused}. The production implementation is
 * {@code RegistryTaskClassifier} (package {@code registry}); tests of the topology use stubs. Called on inference
 * worker threads, possibly
 * several batches at once, so implementations must be thread-safe.
 */
public interface TaskClassifier {

    /**
     * Labels every input with {@code taskId}'s current skeleton, or says per input why it cannot. Returns one
     * outcome per input, in input order.
     */
    List<Outcome> classify(String taskId, List<TextInput> inputs);

    /** The answer for one input. */
    sealed interface Outcome permits Labeled, Refused {}

    /**
     * A label and where it came from.
     *
     * @param classification       label and per-label probabilities, in the skeleton's label order
     * @param skeletonVersion      version of the skeleton that produced it
     * @param baseModel            name of the base encoder the skeleton runs on
     * @param baseModelFingerprint fingerprint of that base encoder
     * @param inferenceMs          time spent in the model for this input's batch
     */
    record Labeled(Classification classification, long skeletonVersion, String baseModel,
            String baseModelFingerprint, double inferenceMs) implements Outcome {}

    /**
     * The input cannot be labeled; it goes to the dead-letter topic.
     *
     * @param kind   why, for filters and metrics
     * @param reason what was wrong, for a human
     */
    record Refused(DeadLetterKind kind, String reason) implements Outcome {}
}
