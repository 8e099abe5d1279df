package dev.skeleton.engine.runtime;

import dev.skeleton.engine.text.TokenizedText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Splits a batch into runs of similar length. A batch is padded to its longest member, and on CPU a padded
 * token costs as much as a real one: SST-2 sentences average 25 tokens but a batch of 32 pads to 48. Sorting
 * by length and cutting a run when its padding would pass {@link #MAX_PADDING} of the tokens its inputs need
 * keeps nearly all compute on real tokens, while runs stay as large as the lengths allow. An input needs its
 * longest row's length for each of its rows: a SIAMESE input's text and pair share one tensor, so the shorter is
 * padded to the longer in any run, and counting that as waste would cut every run to one input.
 */
final class BatchPlanner {

    /** Padding allowed per run, as a fraction of its real tokens. */
    static final double MAX_PADDING = 0.10;

    private BatchPlanner() {}

    /**
     * Runs of input indices (each run sorted by length); together they cover every input once. {@code rows} holds
     * {@code rowsPerInput} encoder rows per input, in input order; an input is as long as its longest row, and a run
     * holds at most {@code maxRows} rows.
     */
    static List<int[]> plan(List<TokenizedText> rows, int rowsPerInput, int maxRows) {
        int inputs = rows.size() / rowsPerInput;
        int maxRun = Math.max(1, maxRows / rowsPerInput);
        int[] length = new int[inputs];
        for (int i = 0; i < inputs; i++) {
            for (int j = 0; j < rowsPerInput; j++) {
                length[i] = Math.max(length[i], rows.get(i * rowsPerInput + j).length());
            }
        }
        int[] order = IntStream.range(0, inputs).boxed()
                .sorted(Comparator.comparingInt(i -> length[i]))
                .mapToInt(Integer::intValue).toArray();
        List<int[]> runs = new ArrayList<>();
        int start = 0;
        long neededTokens = 0;
        for (int k = 0; k < order.length; k++) {
            int input = order[k];
            long needed = neededTokens + (long) length[input] * rowsPerInput;
            long padded = (long) length[input] * rowsPerInput * (k - start + 1);
            if (k > start && (padded - needed > MAX_PADDING * needed || k - start == maxRun)) {
                runs.add(Arrays.copyOfRange(order, start, k));
                start = k;
                neededTokens = 0;
            }
            neededTokens += (long) length[input] * rowsPerInput;
        }
        if (start < order.length) {
            runs.add(Arrays.copyOfRange(order, start, order.length));
        }
        return runs;
    }

    /** Tokens the encoder computes for {@code rows} after planning: each run padded to its longest member. */
    static long paddedTokens(List<TokenizedText> rows, int rowsPerInput, int maxRows) {
        long total = 0;
        for (int[] run : plan(rows, rowsPerInput, maxRows)) {
            int longest = 0;
            for (int j = 0; j < rowsPerInput; j++) {
                longest = Math.max(longest, rows.get(run[run.length - 1] * rowsPerInput + j).length());
            }
            total += (long) longest * run.length * rowsPerInput;
        }
        return total;
    }
}
