package dev.skeleton.streams.registry;

import java.time.Duration;
import java.util.Locale;

/**
 * The phases of a hot swap, from the publish of a new version to its first labeled batch, in order; each is a
 * {@code phase} of the service's {@code skeleton_swap_seconds} metric. Reported only for versions that were swapped
 * in (not for refused or stale ones).
 */
public enum SwapPhase {
    /** From the publish (the registry record's timestamp) until the registry's processor has the record. */
    READ,
    /** Checking the record's signature ({@code registry.signing.key}); zero when signing is off. */
    VERIFY,
    /** Decoding the Avro value into a skeleton. */
    DECODE,
    /**
     * Waiting for a load thread ({@code registry.load.threads}): behind an earlier update of the same task, or while
     * every thread builds another task's version.
     */
    QUEUE,
    /** Checking the skeleton against the base model. */
    VALIDATE,
    /** Writing the skeleton's ONNX graph: slicing the kept heads and neurons. */
    GRAPH,
    /** Creating the ONNX Runtime session: graph optimization and the shared weights. */
    SESSION,
    /** The warm-up batch whose outputs must be finite. */
    WARM_UP,
    /** From the swap until the first batch of the new version is labeled. */
    FIRST_BATCH,
    /** From the publish until the first batch of the new version is labeled: every phase above, and the waits. */
    TOTAL;

    /** The metric tag: the name in lower case. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Receives each phase of each swap, on the thread that finished it. Must be quick and must not throw. */
    @FunctionalInterface
    public interface Listener {
        void phase(String taskId, long version, SwapPhase phase, Duration took);
    }
}
