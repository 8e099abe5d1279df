package dev.skeleton.builder.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {

    private static final ColumnSpec SENTIMENT = new ColumnSpec("sentence", null, "label",
            List.of("negative", "positive"), true);

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void shouldReadGlueTsvWithIndexLabelsAndStrayQuotes() throws IOException {
        Path tsv = file("train.tsv", "sentence\tlabel\n\" a quoted start\t1\nplain\t0\n");

        DatasetReader.Dataset d = DatasetReader.read(tsv, SENTIMENT);

        assertThat(d.examples()).hasSize(2);
        assertThat(d.examples().get(0).input().text()).isEqualTo("\" a quoted start");
        assertThat(d.examples().get(0).label()).isEqualTo(1);
        assertThat(d.labels()).containsExactly("negative", "positive");
    }

    @Test
    void shouldReadPairsFromCsvWithQuotingAndNamedLabels() throws IOException {
        Path csv = file("dev.csv", "premise,hypothesis,label\n\"A, b\",c,entailment\nd,e,not_entailment\n");

        DatasetReader.Dataset d = DatasetReader.read(csv,
                new ColumnSpec("premise", "hypothesis", "label", List.of(), true));

        assertThat(d.labels()).as("inferred, sorted").containsExactly("entailment", "not_entailment");
        assertThat(d.examples().get(0).input().text()).isEqualTo("A, b");
        assertThat(d.examples().get(0).input().pair()).isEqualTo("c");
        assertThat(d.examples().get(1).label()).isEqualTo(1);
    }

    @Test
    void shouldReadJsonl() throws IOException {
        Path jsonl = file("val.jsonl", "{\"premise\":\"p\",\"hypothesis\":\"h\",\"label\":\"neutral\"}\n\n"
                + "{\"premise\":\"q\",\"hypothesis\":\"i\",\"label\":\"entailment\"}\n");

        DatasetReader.Dataset d = DatasetReader.read(jsonl,
                new ColumnSpec("premise", "hypothesis", "label", List.of(), true));

        assertThat(d.examples()).extracting(LabeledExample::line).containsExactly(1L, 3L);
    }

    @Test
    void shouldReadHeaderlessColumnsByIndex() throws IOException {
        Path cola = file("cola.tsv",
                "gj04\t1\t\tOur friends won't buy this analysis.\ngj04\t0\t*\tThey drank the pub.\n");

        DatasetReader.Dataset d = DatasetReader.read(cola,
                new ColumnSpec("3", null, "1", List.of("unacceptable", "acceptable"), false));

        assertThat(d.examples().get(1).input().text()).isEqualTo("They drank the pub.");
        assertThat(d.examples().get(1).label()).isZero();
    }

    @Test
    void shouldSkipAByteOrderMark() throws IOException {
        Path mrpc = file("mrpc.tsv", "\uFEFFQuality\t#1 String\t#2 String\n1\ta\tb\n0\tc\td\n");

        DatasetReader.Dataset d = DatasetReader.read(mrpc, new ColumnSpec("#1 String", "#2 String", "Quality",
                List.of(), true));

        assertThat(d.examples()).hasSize(2);
    }

    @Test
    void shouldNameTheMissingColumnAndTheColumnsThereAre() throws IOException {
        Path tsv = file("train.tsv", "text\tlabel\nok\t1\n");

        assertThatThrownBy(() -> DatasetReader.read(tsv, SENTIMENT))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(tsv + ":1: no column 'sentence'; columns are [text, label]");
    }

    @Test
    void shouldNameTheFileAndLineOfAnUnknownLabel() throws IOException {
        Path tsv = file("train.tsv", "sentence\tlabel\nfine\t1\nodd\tmaybe\n");

        assertThatThrownBy(() -> DatasetReader.read(tsv, SENTIMENT))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(tsv + ":3: unknown label 'maybe'; labels are [negative, positive]");
    }

    @Test
    void shouldRefuseAnEmptyFile() throws IOException {
        Path tsv = file("empty.tsv", "sentence\tlabel\n");

        assertThatThrownBy(() -> DatasetReader.read(tsv, SENTIMENT))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(tsv + ": no examples");
    }

    @Test
    void shouldNameTheLineOfARowWithTooFewFields() throws IOException {
        Path tsv = file("train.tsv", "sentence\tlabel\nfine\t1\nno label here\n");

        assertThatThrownBy(() -> DatasetReader.read(tsv, SENTIMENT))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(tsv + ":3: expected at least 2 fields, found 1");
    }

    @Test
    void shouldNameTheLineThatIsNotJson() throws IOException {
        Path jsonl = file("bad.jsonl", "{\"sentence\":\"a\",\"label\":1}\n{not json\n");

        assertThatThrownBy(() -> DatasetReader.read(jsonl, SENTIMENT))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(jsonl + ":2: not a JSON object");
    }
}
