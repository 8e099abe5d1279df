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
}
