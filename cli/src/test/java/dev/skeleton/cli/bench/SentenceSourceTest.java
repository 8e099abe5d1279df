package dev.skeleton.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skeleton.cli.CliException;
import java.io.StringReader;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class SentenceSourceTest {

    @Test
    void shouldReadSentenceColumnWhereverItIs() throws Exception {
        SentenceSource s = SentenceSource.parse("t", new StringReader("label\tsentence\n1\tgood film \n0\t\n0\tbad\n"));

        assertThat(s.sentences()).containsExactly("good film", "bad");
    }

    @Test
    void shouldRefuseTsvWithoutSentenceColumn() {
        assertThatThrownBy(() -> SentenceSource.parse("x.tsv", new StringReader("text\tlabel\nhi\t1\n")))
                .isInstanceOf(CliException.class).hasMessageContaining("x.tsv has no 'sentence' column");
    }

    @Test
    void shouldRefuseTsvWithoutRows() {
        assertThatThrownBy(() -> SentenceSource.parse("x.tsv", new StringReader("sentence\tlabel\n")))
                .isInstanceOf(CliException.class).hasMessage("no sentences in x.tsv");
    }

    @Test
    void shouldCycleThroughSentencesInConsecutiveBatches() throws Exception {
        SentenceSource s = SentenceSource.parse("t", new StringReader("sentence\na\nb\nc\nd\ne\n"));

        assertThat(s.batch(0, 2)).containsExactly("a", "b");
        assertThat(s.batch(1, 2)).containsExactly("c", "d");
        assertThat(s.batch(2, 2)).containsExactly("e", "a");
        assertThat(s.batch(7, 1)).containsExactly("c");
    }

    @Test
    void shouldBundleTheFirst256Sst2DevSentences() {
        SentenceSource s = SentenceSource.load(null);

        if (!Files.exists(SentenceSource.DEFAULT_DATA)) {
            assertThat(s.description()).contains("bundled");
        }
        assertThat(s.sentences()).hasSizeGreaterThanOrEqualTo(256)
                .startsWith("it 's a charming and often affecting journey .");
    }
}
