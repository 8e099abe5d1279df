package dev.skeleton.streams;

import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.streams.classify.TaskClassifier;

/** Where the classify step sends a record: a result to the output topic(s), or a dead letter. */
sealed interface Routed permits Routed.Output, Routed.DeadLetter {

    /** A result for the output topic of its task (not {@link TaskClassifier.Labeled}, the classifier's outcome). */
    record Output(ClassificationResult result) implements Routed {}

    /** The original value bytes for the dead-letter topic; the reason travels in the record's headers. */
    record DeadLetter(byte[] value) implements Routed {}
}
