package dev.skeleton.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.engine.text.TextInput;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchInputsTest {

    private static final SentenceSource FIVE = new SentenceSource("test", List.of("a", "b", "c", "d", "e"));

    @Test
    void shouldPairConsecutiveSentencesAndCycleThroughThem() {
        BenchInputs pairs = new BenchInputs(FIVE, true);

        assertThat(pairs.batch(0, 2)).containsExactly(TextInput.pair("a", "b"), TextInput.pair("c", "d"));
        assertThat(pairs.batch(1, 2)).containsExactly(TextInput.pair("e", "a"), TextInput.pair("b", "c"));
        assertThat(pairs.count()).isEqualTo(2);
    }

    @Test
    void shouldGiveSingleSentencesInOrderWithoutPairs() {
        BenchInputs singles = new BenchInputs(FIVE, false);

        assertThat(singles.batch(1, 2)).containsExactly(TextInput.of("c"), TextInput.of("d"));
        assertThat(singles.count()).isEqualTo(5);
    }
}
