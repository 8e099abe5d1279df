package dev.skeleton.streams;

import dev.skeleton.streams.classify.DeadLetterKind;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter contract: what a dead letter carries and how it is logged. The record keeps its original key,
 * and bounded copies of its value and headers ({@link OutputLimits}); these headers are added (values are UTF-8
 * text):
 * <ul>
 *   <li>{@value #REASON_HEADER}: what was wrong, for a human (cut at {@code dlq.max.reason.chars});</li>
 *   <li>{@value #KIND_HEADER}: the {@link DeadLetterKind}, for filters and metrics;</li>
 *   <li>{@value #TOPIC_HEADER}, {@value #PARTITION_HEADER}, {@value #OFFSET_HEADER}: where the record came from,
 *       so the whole original can always be read there;</li>
 *   <li>{@value #TASK_HEADER}: the task, when one was decided;</li>
 *   <li>{@value #VALUE_BYTES_HEADER}: the original value's size, only when the copy was cut;</li>
 *   <li>{@value #HEADERS_DROPPED_HEADER}: how many original headers were not copied, only when some were not.</li>
 * </ul>
 */
public final class DeadLetters {

    public static final String REASON_HEADER = "skeleton.dlq.reason";
    public static final String KIND_HEADER = "skeleton.dlq.kind";
    public static final String TOPIC_HEADER = "skeleton.dlq.topic";
    public static final String PARTITION_HEADER = "skeleton.dlq.partition";
    public static final String OFFSET_HEADER = "skeleton.dlq.offset";
    public static final String TASK_HEADER = "skeleton.dlq.task";
    public static final String VALUE_BYTES_HEADER = "skeleton.dlq.value.bytes";
    public static final String HEADERS_DROPPED_HEADER = "skeleton.dlq.headers.dropped";

    private static final Set<String> OWN_HEADERS = Set.of(REASON_HEADER, KIND_HEADER, TOPIC_HEADER, PARTITION_HEADER,
            OFFSET_HEADER, TASK_HEADER, VALUE_BYTES_HEADER, HEADERS_DROPPED_HEADER);

    /** Dead letters logged per second at most: a flood of bad records must not flood the log too. */
    static final int LOG_LINES_PER_SECOND = 10;

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    private static long logWindowStart;
    private static int loggedInWindow;
    private static long notLogged;

    private DeadLetters() {}

    /**
     * Where a record was read from.
     *
     * @param topic     source topic
     * @param partition source partition
     * @param offset    offset in that partition
     */
    record Source(String topic, int partition, long offset) {}

    /** A dead letter's value and headers. */
    record Letter(byte[] value, Headers headers) {}

    /**
     * The dead letter of a record with value {@code raw} (may be null) and headers {@code original}: bounded
     * copies of both, with the dead-letter headers added. The original headers are not touched.
     */
    static Letter letter(byte[] raw, Headers original, DeadLetterKind kind, String reason, Source source,
            String task, OutputLimits limits) {
        Headers headers = new RecordHeaders();
        int copied = 0;
        int dropped = 0;
        for (Header h : original) {
            // a record replayed from a dead-letter topic must not carry the first failure's story
            if (OWN_HEADERS.contains(h.key())) {
                continue;
            }
            int size = OutputLimits.utf8Length(h.key()) + (h.value() == null ? 0 : h.value().length);
            if (copied + size > limits.maxHeaderBytes()) {
                dropped++;
            } else {
                headers.add(h);
                copied += size;
            }
        }
        headers.add(REASON_HEADER, utf8(OutputLimits.clip(reason, limits.maxReasonChars())));
        headers.add(KIND_HEADER, utf8(kind.name()));
        headers.add(TOPIC_HEADER, utf8(source.topic()));
        headers.add(PARTITION_HEADER, utf8(Integer.toString(source.partition())));
        headers.add(OFFSET_HEADER, utf8(Long.toString(source.offset())));
        if (task != null) {
            headers.add(TASK_HEADER, utf8(OutputLimits.clip(task, limits.maxReasonChars())));
        }
        byte[] value = raw;
        if (raw != null && raw.length > limits.maxValueBytes()) {
            value = Arrays.copyOf(raw, limits.maxValueBytes());
            headers.add(VALUE_BYTES_HEADER, utf8(Integer.toString(raw.length)));
        }
        if (dropped > 0) {
            headers.add(HEADERS_DROPPED_HEADER, utf8(Integer.toString(dropped)));
        }
        return new Letter(value, headers);
    }

    /** Logs a dead letter, at most {@link #LOG_LINES_PER_SECOND} a second; the next line says how many were not. */
    static void log(DeadLetterKind kind, String reason, Source source, String task, OutputLimits limits) {
        long skipped;
        synchronized (DeadLetters.class) {
            long now = System.nanoTime();
            if (now - logWindowStart >= 1_000_000_000L) {
                logWindowStart = now;
                loggedInWindow = 0;
            }
            if (loggedInWindow >= LOG_LINES_PER_SECOND) {
                notLogged++;
                return;
            }
            loggedInWindow++;
            skipped = notLogged;
            notLogged = 0;
        }
        log.warn("dead letter {} from topic {} partition {} offset {} task {}: {}{}", kind, source.topic(),
                source.partition(), source.offset(), task == null ? "-" : OutputLimits.clip(task, 100),
                OutputLimits.clip(reason, limits.maxReasonChars()),
                skipped == 0 ? "" : " (" + skipped + " earlier dead letters not logged: over "
                        + LOG_LINES_PER_SECOND + " a second)");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
