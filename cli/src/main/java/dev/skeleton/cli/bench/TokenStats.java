package dev.skeleton.cli.bench;

import dev.skeleton.avro.InputTemplate;
import dev.skeleton.engine.text.TaskTokenizer;
import dev.skeleton.engine.text.TextInput;
import java.util.List;

/**
 * Sequence lengths of the benchmark sentences, counted with the engine's own tokenizer and template so
 * they are exactly what the encoder sees after the soft prompt (special tokens included).
 */
final class TokenStats implements AutoCloseable {

    private final TaskTokenizer tokenizer;
    private final SentenceSource sentences;

    TokenStats(byte[] tokenizerJson, InputTemplate template, int promptRows, SentenceSource sentences) {
        this.tokenizer = new TaskTokenizer(tokenizerJson, template, promptRows);
        this.sentences = sentences;
    }

    /** Mean tokens per sentence, unpadded. */
    double meanTokens() {
        long total = 0;
        for (String s : sentences.sentences()) {
            total += tokenizer.encode(List.of(TextInput.of(s))).tokens();
        }
        return (double) total / sentences.sentences().size();
    }

    /**
     * Mean padded length of a batch of {@code size} consecutive sentences (batches pad to their longest
     * member), over enough batches to cover every sentence once.
     */
    double meanPaddedTokens(int size) {
        int batches = (sentences.sentences().size() + size - 1) / size;
        long total = 0;
        for (int k = 0; k < batches; k++) {
            total += tokenizer.encode(sentences.batch(k, size).stream().map(TextInput::of).toList()).tokens();
        }
        return (double) total / batches;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
