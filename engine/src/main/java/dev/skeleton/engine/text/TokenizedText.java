package dev.skeleton.engine.text;

/**
 * One input's tokens, unpadded.
 *
 * @param ids       token ids, special tokens included
 * @param typeIds   segment ids: 0 for the first text, 1 for the second
 * @param truncated whether the text was cut to the token budget
 */
public record TokenizedText(long[] ids, long[] typeIds, boolean truncated) {

    public int length() {
        return ids.length;
    }
}
