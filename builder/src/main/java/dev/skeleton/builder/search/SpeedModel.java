package dev.skeleton.builder.search;

import dev.skeleton.builder.search.CandidateResult.Speed;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A linear model of the candidates' inference time, fitted to their timings, that orders them for the search.
 * Time is additive over a layer's parts, and each part scales with what it keeps: the FFN's two matrix products with
 * the FFN keep ratio, the attention projections and scores with the head keep ratio, the rest (embeddings, norms,
 * pooling, the prompt's tokens) not at all. So the time of a shape relative to the full model is {@code fixed +
 * perFfn * ffnKeep + perHead * headKeep}, fitted by least squares to the measured time ratios (the inverse speed-ups)
 * and to the full model's ratio of 1.
 *
 * <p>Why not order by the measured speed-ups themselves: shapes within a few percent of each other swap places from
 * one timing to the next, and the search's first trial (the median of the order) settles half the grid, so the same
 * prompt took different paths in different builds (three SST-2 shapes tied at 1.80x in one build, and the one tried
 * first differed from the build before, 2026-12-07). Fitted to all 15 timings, the model's coefficients move little:
 * four builds of SST-2 and the question-type task got the same order from it, where their measured orders differed,
 * with residuals within 5 percent.
 *
 * @param fixed   the time ratio of what no keep ratio removes
 * @param perFfn  the time ratio the FFN takes at keep 1
 * @param perHead the time ratio the attention heads take at keep 1
 */
public record SpeedModel(double fixed, double perFfn, double perHead) {

    /**
     * Fits the model to {@code speeds} and the full model's ratio of 1. A keep ratio that no candidate varies (every
     * candidate keeps all heads, say) is folded into {@code fixed}. Null when the timings cannot determine a model
     * that predicts a positive time for every candidate (fewer distinct shapes than coefficients, say).
     */
    public static SpeedModel fit(Map<Candidate, Speed> speeds) {
        List<Candidate> shapes = new ArrayList<>(speeds.keySet());
        shapes.add(Candidate.FULL);
        boolean ffnVaries = shapes.stream().mapToDouble(Candidate::ffnKeep).distinct().count() > 1;
        boolean headVaries = shapes.stream().mapToDouble(Candidate::headKeep).distinct().count() > 1;
        int k = 1 + (ffnVaries ? 1 : 0) + (headVaries ? 1 : 0);
        double[][] normal = new double[k][k + 1];
        for (Candidate c : shapes) {
            double ratio = c.equals(Candidate.FULL) ? 1 : 1 / speeds.get(c).median();
            double[] x = features(c, ffnVaries, headVaries);
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    normal[i][j] += x[i] * x[j];
                }
                normal[i][k] += x[i] * ratio;
            }
        }
        double[] b = solve(normal);
        if (b == null) {
            return null;
        }
        int next = 1;
        double perFfn = ffnVaries ? b[next++] : 0;
        double perHead = headVaries ? b[next] : 0;
        SpeedModel model = new SpeedModel(b[0], perFfn, perHead);
        return shapes.stream().allMatch(c -> model.timeRatio(c) > 0) ? model : null;
    }

    /** The candidates, fastest first by the model; shapes it cannot tell apart by their measured speed-up. */
    public List<Candidate> fastestFirst(Map<Candidate, Speed> speeds) {
        return speeds.keySet().stream().sorted(Comparator.comparingDouble(this::timeRatio)
                .thenComparingDouble(c -> -speeds.get(c).median())).toList();
    }

    /** The model's speed-up of {@code c} over the full model. */
    public double speedup(Candidate c) {
        return 1 / timeRatio(c);
    }

    /** The largest relative gap between the model's speed-up and the measured one, for the report. */
    public double worstResidual(Map<Candidate, Speed> speeds) {
        return speeds.entrySet().stream()
                .mapToDouble(e -> Math.abs(speedup(e.getKey()) / e.getValue().median() - 1)).max().orElse(0);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "time ratio %.3f + %.3f x FFN keep + %.3f x head keep", fixed, perFfn,
                perHead);
    }

    private double timeRatio(Candidate c) {
        return fixed + perFfn * c.ffnKeep() + perHead * c.headKeep();
    }

    private static double[] features(Candidate c, boolean ffn, boolean head) {
        double[] x = new double[1 + (ffn ? 1 : 0) + (head ? 1 : 0)];
        int i = 0;
        x[i++] = 1;
        if (ffn) {
            x[i++] = c.ffnKeep();
        }
        if (head) {
            x[i] = c.headKeep();
        }
        return x;
    }

    /** Gaussian elimination with partial pivoting of an augmented k x (k + 1) system; null when singular. */
    private static double[] solve(double[][] a) {
        int k = a.length;
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int row = col + 1; row < k; row++) {
                if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) {
                    pivot = row;
                }
            }
            if (Math.abs(a[pivot][col]) < 1e-12) {
                return null;
            }
            double[] swap = a[col];
            a[col] = a[pivot];
            a[pivot] = swap;
            for (int row = 0; row < k; row++) {
                if (row != col) {
                    double f = a[row][col] / a[col][col];
                    for (int j = col; j <= k; j++) {
                        a[row][j] -= f * a[col][j];
                    }
                }
            }
        }
        double[] b = new double[k];
        for (int i = 0; i < k; i++) {
            b[i] = a[i][k] / a[i][i];
        }
        return b;
    }
}
