package dev.skeleton.streams;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * How much of a request may be copied into an output, so that no request under the broker's size limit can make a
 * result or a dead letter over it (a refused output would stop the stream thread, and the same offset would be read
 * again after a restart). Requests with a longer id or more metadata are dead-lettered; dead letters carry bounded
 * copies: reason, task, original headers and value are cut at their limits, and headers say what was cut.
 *
 * @param maxIdChars          longest request id accepted
 * @param maxMetadataBytes    most UTF-8 bytes of metadata keys and values accepted (copied into the result)
 * @param maxReasonChars      longest dead-letter reason, cut with a marker beyond it
 * @param maxHeaderBytes      most bytes of the original headers copied onto a dead letter; later ones are dropped
 * @param maxValueBytes       most bytes of the original value copied onto a dead letter; the rest is dropped
 */
public record OutputLimits(int maxIdChars, int maxMetadataBytes, int maxReasonChars, int maxHeaderBytes,
        int maxValueBytes) {

    /** Bytes of a dead letter besides the bounded copies: key headers, coordinates, the record's framing. */
    static final int DEAD_LETTER_OVERHEAD = 4_096;

    /** The most bytes a dead letter can take: value, copied headers, reason and task at 4 bytes a character. */
    long maxDeadLetterBytes() {
        return (long) maxValueBytes + maxHeaderBytes + 2L * 4 * maxReasonChars + DEAD_LETTER_OVERHEAD;
    }

    /** {@code s} if it has at most {@code max} characters, else its first {@code max} and a marker of what was cut. */
    static String clip(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        // never split a surrogate pair: the header must stay valid UTF-8
        int end = Character.isLowSurrogate(s.charAt(max)) ? max - 1 : max;
        return s.substring(0, end) + "...[" + (s.length() - end) + " more characters]";
    }

    /** UTF-8 bytes of the keys and values of {@code metadata}. */
    static long metadataBytes(Map<String, String> metadata) {
        long bytes = 0;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            bytes += utf8Length(e.getKey()) + utf8Length(e.getValue());
        }
        return bytes;
    }

    static int utf8Length(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
}
