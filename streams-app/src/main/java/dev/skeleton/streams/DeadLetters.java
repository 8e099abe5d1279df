package dev.skeleton.streams;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter contract: which headers a dead letter carries and how it is logged. The record keeps its
 * original key, value and headers; these headers are added (values are UTF-8 text):
 * <ul>
 *   <li>{@value #REASON_HEADER}: what was wrong, for a human;</li>
 *   <li>{@value #KIND_HEADER}: the {@link DeadLetterKind}, for filters and metrics;</li>
 *   <li>{@value #TOPIC_HEADER}, {@value #PARTITION_HEADER}, {@value #OFFSET_HEADER}: where the record came from;</li>
 *   <li>{@value #TASK_HEADER}: the task, when one was decided.</li>
 * </ul>
 */
public final class DeadLetters {

    public static final String REASON_HEADER = "skeleton.dlq.reason";
    public static final String KIND_HEADER = "skeleton.dlq.kind";
    public static final String TOPIC_HEADER = "skeleton.dlq.topic";
    public static final String PARTITION_HEADER = "skeleton.dlq.partition";
    public static final String OFFSET_HEADER = "skeleton.dlq.offset";
    public static final String TASK_HEADER = "skeleton.dlq.task";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private DeadLetters() {}

    /**
     * Where a record was read from.
     *
     * @param topic     source topic
     * @param partition source partition
     * @param offset    offset in that partition
     */
    record Source(String topic, int partition, long offset) {}

    /** A copy of {@code original} with the dead-letter headers added; the original headers are not touched. */
    static Headers headers(Headers original, DeadLetterKind kind, String reason, Source source, String task) {
        Headers headers = new RecordHeaders(original.toArray());
        // a record replayed from a dead-letter topic must not carry the first failure's story
        for (String name : new String[] {REASON_HEADER, KIND_HEADER, TOPIC_HEADER, PARTITION_HEADER, OFFSET_HEADER,
                TASK_HEADER}) {
            headers.remove(name);
        }
        headers.add(REASON_HEADER, utf8(reason));
        headers.add(KIND_HEADER, utf8(kind.name()));
        headers.add(TOPIC_HEADER, utf8(source.topic()));
        headers.add(PARTITION_HEADER, utf8(Integer.toString(source.partition())));
        headers.add(OFFSET_HEADER, utf8(Long.toString(source.offset())));
        if (task != null) {
            headers.add(TASK_HEADER, utf8(task));
        }
        return headers;
    }

    static void log(DeadLetterKind kind, String reason, Source source, String task) {
        log.warn("dead letter {} from topic {} partition {} offset {} task {}: {}", kind, source.topic(),
                source.partition(), source.offset(), task == null ? "-" : task, reason);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
