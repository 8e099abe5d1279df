package dev.skeleton.engine.text;

import dev.skeleton.avro.InputKind;

/**
 * What a task's {@link InputKind} means for the encoder and the head, in one place: the tokenizer, the serving graph,
 * the builder's forward pass and the validator all follow it.
 *
 * <ul>
 *   <li>SINGLE: one encoder row per input, {@code [CLS] text [SEP]}; the head reads the pooled vector.</li>
 *   <li>PAIR (cross-encoded): one row per input, {@code [CLS] text [SEP] pair [SEP]}; the head reads the pooled
 *       vector.</li>
 *   <li>SIAMESE: two rows per input, the text and the pair each alone through the same skeleton, as sentence-embedding
 *       models were trained; the head reads {@code [u, v, |u - v|, u * v]} of their pooled vectors.</li>
 * </ul>
 */
public final class InputKinds {

    private InputKinds() {}

    /** Whether every input of this kind must have a text pair. */
    public static boolean takesPair(InputKind kind) {
        return kind != InputKind.SINGLE;
    }

    /** Encoder rows per input: the text and its pair apart for SIAMESE, one row otherwise. */
    public static int rowsPerInput(InputKind kind) {
        return kind == InputKind.SIAMESE ? 2 : 1;
    }

    /** Special tokens in one encoder row: [CLS] and [SEP], plus a second [SEP] in a cross-encoded pair. */
    public static int specialTokens(InputKind kind) {
        return kind == InputKind.PAIR ? 3 : 2;
    }

    /** Width of the head's input: the pooled vector, or the four of a SIAMESE pair side by side. */
    public static int headInputs(InputKind kind, int hidden) {
        return kind == InputKind.SIAMESE ? 4 * hidden : hidden;
    }
}
