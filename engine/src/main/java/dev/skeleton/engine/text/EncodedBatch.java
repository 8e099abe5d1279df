package dev.skeleton.engine.text;

import java.util.Arrays;
import java.util.List;

/**
 * Token ids of a batch, padded to its longest member (not to the maximum length).
 *
 * @param inputIds      {@code [batch][tokens]}, padding 0
 * @param attentionMask {@code [batch][tokens]}, 1 for real tokens
 * @param tokenTypeIds  {@code [batch][tokens]}, 0 for the first segment, 1 for the second
 * @param truncated     per input, whether it was cut to fit
 */
public record EncodedBatch(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds, boolean[] truncated) {

    /** The inputs padded (id 0, mask 0) to the longest of them. */
    public static EncodedBatch pad(List<TokenizedText> texts) {
        int longest = 0;
        for (TokenizedText t : texts) {
            longest = Math.max(longest, t.length());
        }
        int n = texts.size();
        long[][] ids = new long[n][longest];
        long[][] mask = new long[n][longest];
        long[][] types = new long[n][longest];
        boolean[] truncated = new boolean[n];
        for (int i = 0; i < n; i++) {
            TokenizedText t = texts.get(i);
            System.arraycopy(t.ids(), 0, ids[i], 0, t.length());
            System.arraycopy(t.typeIds(), 0, types[i], 0, t.length());
            Arrays.fill(mask[i], 0, t.length(), 1L);
            truncated[i] = t.truncated();
        }
        return new EncodedBatch(ids, mask, types, truncated);
    }

    /**
     * Every {@code step}-th row from {@code first} (for SIAMESE rows, {@code rows(0, 2)} the texts and
     * {@code rows(1, 2)} the pairs), padded to the longest of them only.
     */
    public EncodedBatch rows(int first, int step) {
        int n = (size() - first + step - 1) / step;
        int longest = 0;
        for (int i = 0; i < n; i++) {
            longest = Math.max(longest, (int) Arrays.stream(attentionMask[first + i * step]).sum());
        }
        long[][] ids = new long[n][];
        long[][] mask = new long[n][];
        long[][] types = new long[n][];
        boolean[] cut = new boolean[n];
        for (int i = 0; i < n; i++) {
            int row = first + i * step;
            ids[i] = Arrays.copyOf(inputIds[row], longest);
            mask[i] = Arrays.copyOf(attentionMask[row], longest);
            types[i] = Arrays.copyOf(tokenTypeIds[row], longest);
            cut[i] = truncated[row];
        }
        return new EncodedBatch(ids, mask, types, cut);
    }

    public int size() {
        return inputIds.length;
    }

    public int tokens() {
        return inputIds.length == 0 ? 0 : inputIds[0].length;
    }
}
