package dev.skeleton.cli.bench;

import dev.skeleton.engine.text.TextInput;
import java.util.ArrayList;
import java.util.List;

/**
 * What the engine variants classify: the benchmark sentences one by one, or for pair tasks consecutive sentences as
 * pairs (sentences 2i and 2i + 1), so a pair holds two texts of the data's own lengths.
 *
 * @param sentences the benchmark sentences
 * @param pairs     whether the variants are pair tasks
 */
record BenchInputs(SentenceSource sentences, boolean pairs) {

    /** Batch number {@code index} of {@code size} inputs, cycling through the sentences in order. */
    List<TextInput> batch(long index, int size) {
        if (!pairs) {
            return sentences.batch(index, size).stream().map(TextInput::of).toList();
        }
        List<String> texts = sentences.batch(index, 2 * size);
        List<TextInput> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            batch.add(TextInput.pair(texts.get(2 * i), texts.get(2 * i + 1)));
        }
        return batch;
    }

    /** Inputs in one pass over the sentences (at least one). */
    int count() {
        return pairs ? Math.max(1, sentences.sentences().size() / 2) : sentences.sentences().size();
    }
}
