package dev.skeleton.builder.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Picks the units (FFN neurons or attention heads) to keep from their attribution scores: the top
 * {@code round(keep * total)} either per layer (every layer keeps the same share) or globally (layers that
 * matter more keep more). Ties break towards the lower index, so the choice is deterministic.
 */
public final class Localization {

    /** Ranking scope. */
    public enum Scope { PER_LAYER, GLOBAL }

    private Localization() {}

    /** Kept indices per layer, sorted; every layer keeps at least {@code minPerLayer} units. */
    public static List<List<Integer>> select(double[][] scores, double keep, Scope scope, int minPerLayer) {
        if (!(keep > 0 && keep <= 1)) {
            throw new IllegalArgumentException("keep ratio " + keep + " must be in (0, 1]");
        }
        int layers = scores.length;
        int units = scores[0].length;
        List<List<Integer>> kept = new ArrayList<>();
        if (scope == Scope.PER_LAYER) {
            int count = Math.max(minPerLayer, (int) Math.round(keep * units));
            for (double[] layer : scores) {
                kept.add(top(layer, count));
            }
            return kept;
        }
        int total = (int) Math.round(keep * layers * units);
        int[] order = IntStream.range(0, layers * units).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -scores[i / units][i % units])
                        .thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        boolean[][] chosen = new boolean[layers][units];
        int taken = 0;
        for (int layer = 0; layer < layers; layer++) {
            for (int i : top(scores[layer], Math.min(units, minPerLayer))) {
                chosen[layer][i] = true;
                taken++;
            }
        }
        for (int k = 0; k < order.length && taken < total; k++) {
            int layer = order[k] / units;
            int unit = order[k] % units;
            if (!chosen[layer][unit]) {
                chosen[layer][unit] = true;
                taken++;
            }
        }
        for (int layer = 0; layer < layers; layer++) {
            List<Integer> indices = new ArrayList<>();
            for (int u = 0; u < units; u++) {
                if (chosen[layer][u]) {
                    indices.add(u);
                }
            }
            kept.add(indices);
        }
        return kept;
    }

    private static List<Integer> top(double[] scores, int count) {
        Integer[] idx = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i));
        return Arrays.stream(idx, 0, Math.min(count, idx.length)).sorted().toList();
    }
}
