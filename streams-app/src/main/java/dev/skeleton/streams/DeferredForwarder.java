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
 * <p>Internal Kafka Streams API ({@link InternalProcessorContext}), pinned by the Kafka version in the root POM
 * and covered by the topology and integration tests.
 */
final class DeferredForwarder<K, V> {

    private final InternalProcessorContext<K, V> context;
    private final ProcessorNode<?, ?, ?, ?> node;

    /** Call from the processor's {@code init}, where the current node is the processor's own. */
    @SuppressWarnings("unchecked")
    DeferredForwarder(ProcessorContext<K, V> context) {
        if (!(context instanceof InternalProcessorContext<?, ?> internal) || internal.currentNode() == null) {
            throw new IllegalStateException("the classify processor needs Kafka Streams' own processor context "
                    + "(got " + context.getClass().getName() + ")");
        }
        this.context = (InternalProcessorContext<K, V>) internal;
        this.node = internal.currentNode();
    }

    /** The context of the record being processed now, to hand back to {@link #forward} later. */
    ProcessorRecordContext capture() {
        return context.recordContext();
    }

    /** Forwards {@code record} as if from the processing of the input whose context is {@code captured}. */
    void forward(Record<K, V> record, ProcessorRecordContext captured) {
        ProcessorNode<?, ?, ?, ?> previousNode = context.currentNode();
        ProcessorRecordContext previousContext = context.recordContext();
        context.setCurrentNode(node);
        context.setRecordContext(captured);
        try {
            context.forward(record);
        } finally {
            context.setRecordContext(previousContext);
            context.setCurrentNode(previousNode);
        }
    }
}
