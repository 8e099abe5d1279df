package dev.skeleton.engine.text;

/**
 * Token ids of a batch, padded to its longest member (not to the maximum length).
 *
 * @param inputIds      {@code [batch][tokens]}, padding 0
 * @param attentionMask {@code [batch][tokens]}, 1 for real tokens
 * @param tokenTypeIds  {@code [batch][tokens]}, 0 for the first segment, 1 for the second
 * @param truncated     per input, whether it was cut to fit
 */
public record EncodedBatch(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds, boolean[] truncated) {

    public int size() {
        return inputIds.length;
    }

    public int tokens() {
        return inputIds.length == 0 ? 0 : inputIds[0].length;
    }
}
