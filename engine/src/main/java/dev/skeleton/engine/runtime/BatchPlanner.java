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
 * by length and cutting a run when its padding would pass {@link #MAX_PADDING} of its real tokens keeps
 * nearly all compute on real tokens, while runs stay as large as the lengths allow.
 */
final class BatchPlanner {

    /** Padding allowed per run, as a fraction of its real tokens. */
    static final double MAX_PADDING = 0.10;

    private BatchPlanner() {}

    /** Runs of input indices (each run sorted by length); together they cover every input once. */
    static List<int[]> plan(List<TokenizedText> texts, int maxRun) {
        int[] order = IntStream.range(0, texts.size()).boxed()
                .sorted(Comparator.comparingInt(i -> texts.get(i).length()))
                .mapToInt(Integer::intValue).toArray();
        List<int[]> runs = new ArrayList<>();
        int start = 0;
        long realTokens = 0;
        for (int k = 0; k < order.length; k++) {
            int length = texts.get(order[k]).length();
            long padded = (long) length * (k - start + 1);
            boolean tooWasteful = padded - (realTokens + length) > MAX_PADDING * (realTokens + length);
            if (k > start && (tooWasteful || k - start == maxRun)) {
                runs.add(Arrays.copyOfRange(order, start, k));
                start = k;
                realTokens = 0;
            }
            realTokens += length;
        }
        if (start < order.length) {
            runs.add(Arrays.copyOfRange(order, start, order.length));
        }
        return runs;
    }

    /** Tokens the encoder computes for {@code texts} after planning: each run padded to its longest member. */
    static long paddedTokens(List<TokenizedText> texts, int maxRun) {
        long total = 0;
        for (int[] run : plan(texts, maxRun)) {
            total += (long) texts.get(run[run.length - 1]).length() * run.length;
        }
        return total;
    }
}
