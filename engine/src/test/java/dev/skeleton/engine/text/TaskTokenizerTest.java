package dev.skeleton.engine.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skeleton.avro.InputKind;
import dev.skeleton.avro.InputTemplate;
import dev.skeleton.engine.TestModels;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskTokenizerTest {

    private static TaskTokenizer tokenizer(InputKind kind, int maxTokens, int promptRows) {
        return new TaskTokenizer(TestModels.base().tokenizerJson(),
                InputTemplate.newBuilder().setKind(kind).setMaxTokens(maxTokens).build(), promptRows);
    }

    @Test
    void shouldPadToTheLongestInTheBatchOnly() {
        try (TaskTokenizer t = tokenizer(InputKind.SINGLE, 128, 20)) {
            EncodedBatch batch = t.encode(List.of(TextInput.of("short"),
                    TextInput.of("a somewhat longer sentence here")));

            assertThat(batch.tokens()).as("padded length = longest input ([CLS] 5 words [SEP])").isEqualTo(7);
            assertThat(batch.attentionMask()[0]).containsExactly(1, 1, 1, 0, 0, 0, 0);
            assertThat(batch.truncated()).containsExactly(false, false);
        }
    }

    @Test
    void shouldTruncateToTheBudgetLeftAfterThePrompt() {
        try (TaskTokenizer t = tokenizer(InputKind.SINGLE, 32, 20)) {
            EncodedBatch batch = t.encode(List.of(TextInput.of("word ".repeat(100))));

            assertThat(t.maxTextTokens()).isEqualTo(12);
            assertThat(batch.tokens()).isEqualTo(12);
            assertThat(batch.truncated()).containsExactly(true);
        }
    }

    @Test
    void shouldMarkTheSecondSegmentOfAPair() {
        try (TaskTokenizer t = tokenizer(InputKind.PAIR, 64, 0)) {
            EncodedBatch batch = t.encode(List.of(TextInput.pair("first", "second one")));

            // [CLS] first [SEP] second one [SEP]
            assertThat(batch.tokenTypeIds()[0]).containsExactly(0, 0, 0, 1, 1, 1);
        }
    }

    @Test
    void shouldRefuseASingleTextForAPairTask() {
        try (TaskTokenizer t = tokenizer(InputKind.PAIR, 64, 0)) {
            assertThatThrownBy(() -> t.encode(List.of(TextInput.of("alone"))))
                    .hasMessageContaining("this task classifies text pairs");
        }
    }

    @Test
    void shouldGiveASiamesePairTwoRowsAndEachSideItsOwnPadding() {
        try (TaskTokenizer t = tokenizer(InputKind.SIAMESE, 128, 20)) {
            EncodedBatch batch = t.encode(List.of(new TextInput("why", "because the answer is rather long"),
                    new TextInput("who is it", "me")));

            assertThat(batch.size()).as("text, pair, text, pair").isEqualTo(4);
            EncodedBatch texts = batch.rows(0, 2);
            EncodedBatch pairs = batch.rows(1, 2);
            assertThat(texts.tokens()).as("[CLS] who is it [SEP]").isEqualTo(5);
            assertThat(texts.attentionMask()[0]).containsExactly(1, 1, 1, 0, 0);
            assertThat(texts.inputIds()[1]).containsExactly(batch.inputIds()[2][0], batch.inputIds()[2][1],
                    batch.inputIds()[2][2], batch.inputIds()[2][3], batch.inputIds()[2][4]);
            assertThat(pairs.tokens()).as("[CLS] because the answer is rather long [SEP]").isEqualTo(8);
            assertThat(pairs.size()).isEqualTo(2);
        }
    }
}
