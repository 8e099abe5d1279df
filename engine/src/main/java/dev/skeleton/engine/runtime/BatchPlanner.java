package dev.skeleton.engine.runtime;

import dev.skeleton.engine.text.TokenizedText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Splits a batch of encoder rows into runs of similar length. A batch is padded to its longest member, and on CPU a
 * padded token costs as much as a real one: SST-2 sentences average 25 tokens but a batch of 32 pads to 48. Sorting
 * by length and cutting a run when its padding would pass {@link #MAX_PADDING} of the tokens its rows need keeps
 * nearly all compute on real tokens, while runs stay as large as the lengths allow. Rows are planned alone, the two
 * of a SIAMESE input too: their head joins them after the encoder ({@link SiameseHead}).
 */
final class BatchPlanner {

    /** Padding allowed per run, as a fraction of its real tokens. */
    static final double MAX_PADDING = 0.10;

    private BatchPlanner() {}

    /**
     * Runs of row indices, each sorted by length and at most {@code maxRows} long; together they cover every row once.
     */
    static List<int[]> plan(List<TokenizedText> rows, int maxRows) {
        int[] order = IntStream.range(0, rows.size()).boxed()
                .sorted(Comparator.comparingInt(i -> rows.get(i).length()))
                .mapToInt(Integer::intValue).toArray();
        List<int[]> runs = new ArrayList<>();
        int start = 0;
        long neededTokens = 0;
        for (int k = 0; k < order.length; k++) {
            int length = rows.get(order[k]).length();
            long needed = neededTokens + length;
            long padded = (long) length * (k - start + 1);
            if (k > start && (padded - needed > MAX_PADDING * needed || k - start == maxRows)) {
                runs.add(Arrays.copyOfRange(order, start, k));
                start = k;
                neededTokens = 0;
            }
            neededTokens += length;
        }
        if (start < order.length) {
            runs.add(Arrays.copyOfRange(order, start, order.length));
        }
        return runs;
    }

    /** Tokens the encoder computes for {@code rows} after planning: each run padded to its longest member. */
    static long paddedTokens(List<TokenizedText> rows, int maxRows) {
        long total = 0;
        for (int[] run : plan(rows, maxRows)) {
            total += (long) rows.get(run[run.length - 1]).length() * run.length;
        }
        return total;
    }
}
