package dev.skeleton.engine.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The base model's Hugging Face tokenizer, parsed once per token budget and shared by every task with that budget.
 * Parsing tokenizer.json takes 50-80 ms, most of what loading a task cost before the session; a hot swap waited for
 * it. Sharing is safe: a tokenizer's settings never change after it is made, and encoding is thread-safe.
 */
public final class SharedTokenizers implements AutoCloseable {

    private final byte[] tokenizerJson;
    private final Map<Integer, HuggingFaceTokenizer> byMaxLength = new ConcurrentHashMap<>();

    /** @param tokenizerJson the base model's tokenizer.json content */
    public SharedTokenizers(byte[] tokenizerJson) {
        this.tokenizerJson = tokenizerJson;
    }

    /** The tokenizer that truncates to {@code maxLength} tokens (special tokens included) and does not pad. */
    HuggingFaceTokenizer forMaxLength(int maxLength) {
        return byMaxLength.computeIfAbsent(maxLength, n -> create(tokenizerJson, n));
    }

    static HuggingFaceTokenizer create(byte[] tokenizerJson, int maxLength) {
        try {
            // padding is ours (longest in batch); truncation is the tokenizer's so pairs are cut longest-first
            return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), Map.of(
                    "addSpecialTokens", "true",
                    "truncation", "true",
                    "padding", "false",
                    "maxLength", Integer.toString(maxLength)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the base model's tokenizer.json", e);
        }
    }

    /** Frees the native tokenizers; no task of this engine may tokenize after. */
    @Override
    public void close() {
        byMaxLength.values().forEach(HuggingFaceTokenizer::close);
        byMaxLength.clear();
    }
}
