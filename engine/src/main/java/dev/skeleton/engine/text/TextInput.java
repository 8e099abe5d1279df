package dev.skeleton.engine.text;

import java.util.Objects;

/**
 * One thing to classify: a text, or a text pair for pair tasks (paraphrase, entailment).
 *
 * @param text the text, or the first text of a pair
 * @param pair the second text, or null for single-text tasks
 */
public record TextInput(String text, String pair) {

    public TextInput {
        Objects.requireNonNull(text, "text");
    }

    public static TextInput of(String text) {
        return new TextInput(text, null);
    }

    public static TextInput pair(String text, String pair) {
        return new TextInput(text, Objects.requireNonNull(pair, "pair"));
    }
}
