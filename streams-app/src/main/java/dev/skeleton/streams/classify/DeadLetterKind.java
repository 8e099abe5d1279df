package dev.skeleton.streams.classify;

/**
 * Why a record went to the dead-letter topic, as a stable machine-readable code (header
 * {@code skeleton.dlq.kind}); the human-readable detail is in {@code skeleton.dlq.reason}.
 */
public enum DeadLetterKind {
    /** The value is neither an Avro request nor a valid JSON request. */
    UNPARSEABLE,
    /** No task in the record, no {@code task} header, no mapping for the source topic. */
    NO_TASK,
    /** No skeleton is loaded for the task: never published, retired, or every version refused. */
    UNKNOWN_TASK,
    /** The text (or text pair) is empty or blank. */
    EMPTY_TEXT,
    /** The text or text pair is longer than {@code max.text.chars}. */
    TEXT_TOO_LONG,
    /** A pair task without a text pair, or a single-text task given one. */
    WRONG_INPUT_SHAPE,
    /** The model failed on this record. */
    INFERENCE_FAILED,
    /** The record's batch had no result within {@code inference.timeout.ms}. */
    INFERENCE_TIMEOUT,
    /** The id is longer than {@code max.id.chars}, or the metadata larger than {@code max.metadata.bytes}. */
    OVERSIZED_FIELD,
    /**
     * The broker (or the producer) refused this record's result or dead letter; the dead letter of this kind has
     * no value and points to the input record by its source headers.
     */
    OUTPUT_REJECTED
}
