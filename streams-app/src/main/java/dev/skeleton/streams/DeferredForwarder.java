package dev.skeleton.streams;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * Forwards a record after its input was processed: from a later {@code process} call, a punctuation, or the
 * pre-commit hook, where Kafka Streams has no current node (forward would throw) or another record's context.
 * It restores the processor's node and the input record's context (topic, partition, offset, raw bytes, used by
 * sinks and error handlers) around the forward, as Kafka's own caching stores do when they forward on flush.
 *
 * <p>One of the two classes that use internal Kafka Streams API ({@link InternalProcessorContext}; the other is
 * {@link PreCommitHook}), pinned by the Kafka version in the root POM ({@code KafkaVersionPinTest}) and covered by
 * the topology and integration tests. Callers see only the opaque {@link Origin}. Under any other context (Kafka's
 * {@code MockProcessorContext} in unit tests) there is no node or record context to restore: it forwards directly.
 */
final class DeferredForwarder<K, V> {

    /** Where a record came from, captured while it is processed; opaque to the caller. */
    static final class Origin {
        private final ProcessorRecordContext context;

        private Origin(ProcessorRecordContext context) {
            this.context = context;
        }
    }

    private final ProcessorContext<K, V> context;
    private final InternalProcessorContext<K, V> internal;
    private final ProcessorNode<?, ?, ?, ?> node;

    /** Call from the processor's {@code init}, where the current node is the processor's own. */
    @SuppressWarnings("unchecked")
    DeferredForwarder(ProcessorContext<K, V> context) {
        this.context = context;
        if (context instanceof InternalProcessorContext<?, ?> kafkas) {
            if (kafkas.currentNode() == null) {
                throw new IllegalStateException("create the forwarder in the processor's init, where Kafka Streams "
                        + "has set the processor's node");
            }
            this.internal = (InternalProcessorContext<K, V>) kafkas;
            this.node = kafkas.currentNode();
        } else {
            this.internal = null;
            this.node = null;
        }
    }

    /** The origin of the record being processed now, to hand back to {@link #forward} later. */
    Origin capture() {
        return new Origin(internal == null ? null : internal.recordContext());
    }

    /** Forwards {@code record} as if from the processing of the input whose origin is {@code origin}. */
    void forward(Record<K, V> record, Origin origin) {
        if (internal == null) {
            context.forward(record);
            return;
        }
        ProcessorNode<?, ?, ?, ?> previousNode = internal.currentNode();
        ProcessorRecordContext previousContext = internal.recordContext();
        internal.setCurrentNode(node);
        internal.setRecordContext(origin.context);
        try {
            internal.forward(record);
        } finally {
            internal.setRecordContext(previousContext);
            internal.setCurrentNode(previousNode);
        }
    }
}
