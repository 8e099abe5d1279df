package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.streams.classify.DeadLetterKind;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Bounded copies on dead letters. */
class DeadLettersTest {

    private static final OutputLimits LIMITS = new OutputLimits(256, 1_000, 100, 50, 1_000);
    private static final DeadLetters.Source SOURCE = new DeadLetters.Source("in", 2, 7);

    @Test
    void shouldCopyHeadersUpToTheirBudgetAndCountTheDroppedOnes() {
        Headers original = new RecordHeaders().add("trace", utf8("abc")).add("big", new byte[100])
                .add("after", utf8("x")).add(DeadLetters.KIND_HEADER, utf8("OLD"));

        Headers h = DeadLetters.letter(utf8("v"), original, DeadLetterKind.EMPTY_TEXT, "empty", SOURCE, "sst2",
                LIMITS).headers();

        assertThat(text(h, "trace")).isEqualTo("abc");
        assertThat(h.lastHeader("big")).as("over the 50-byte budget").isNull();
        assertThat(text(h, "after")).as("later headers that fit are still copied").isEqualTo("x");
        assertThat(text(h, DeadLetters.HEADERS_DROPPED_HEADER)).isEqualTo("1");
        assertThat(h.headers(DeadLetters.KIND_HEADER)).as("the old story is replaced").hasSize(1);
        assertThat(text(h, DeadLetters.KIND_HEADER)).isEqualTo("EMPTY_TEXT");
        assertThat(text(h, DeadLetters.OFFSET_HEADER)).isEqualTo("7");
        assertThat(h.lastHeader(DeadLetters.VALUE_BYTES_HEADER)).as("value not cut").isNull();
    }

    @Test
    void shouldCutLongValuesReasonsAndTasksSayingSo() {
        DeadLetters.Letter letter = DeadLetters.letter(new byte[5_000], new RecordHeaders(),
                DeadLetterKind.UNKNOWN_TASK, "r".repeat(1_000), SOURCE, "t".repeat(1_000), LIMITS);

        assertThat(letter.value()).hasSize(1_000);
        assertThat(text(letter.headers(), DeadLetters.VALUE_BYTES_HEADER)).isEqualTo("5000");
        assertThat(text(letter.headers(), DeadLetters.REASON_HEADER)).startsWith("r".repeat(100))
                .endsWith("...[900 more characters]");
        assertThat(text(letter.headers(), DeadLetters.TASK_HEADER)).hasSizeLessThan(150);
    }

    @Test
    void shouldNeverSplitASurrogatePair() {
        String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units
        String clipped = OutputLimits.clip("a" + emoji.repeat(10), 2);

        assertThat(clipped).startsWith("a...[").doesNotContain("\uD83D");
        assertThat(OutputLimits.clip("short", 10)).isEqualTo("short");
    }

    private static String text(Headers h, String name) {
        return new String(h.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
