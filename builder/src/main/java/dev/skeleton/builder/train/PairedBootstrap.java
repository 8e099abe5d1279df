package dev.skeleton.builder.train;

import java.util.Random;

/**
 * How much the difference between two models' metric on the same examples owes to which examples were drawn:
 * the paired bootstrap (Efron and Tibshirani; Koehn 2004 for comparing systems). Each resample draws the examples
 * with replacement and scores both models on the same draw, so the luck of the draw largely cancels out and what
 * is left is where the two models disagree. Works for any {@link GlueMetric}, F1 and Matthews correlation included,
 * which have no simple closed form.
 */
public final class PairedBootstrap {

    /** Resamples per estimate: enough for a standard error good to a few percent of itself. */
    static final int RESAMPLES = 1000;

    private PairedBootstrap() {}

    /**
     * The standard error of {@code metric(reference) - metric(candidate)}, as a fraction, over a seeded set of
     * {@link #RESAMPLES} resamples.
     *
     * @param gold      the gold label of each example
     * @param reference one model's prediction for each example
     * @param candidate the other model's prediction for each example
     */
    public static double standardError(GlueMetric metric, int[] gold, int[] reference, int[] candidate, long seed) {
        int n = gold.length;
        if (reference.length != n || candidate.length != n || n == 0) {
            throw new IllegalArgumentException("need the same, non-zero number of gold labels (" + n
                    + ") and predictions of each model (" + reference.length + ", " + candidate.length + ")");
        }
        Random random = new Random(seed);
        int[] g = new int[n];
        int[] r = new int[n];
        int[] c = new int[n];
        double sum = 0;
        double sumSquares = 0;
        for (int s = 0; s < RESAMPLES; s++) {
            for (int i = 0; i < n; i++) {
                int pick = random.nextInt(n);
                g[i] = gold[pick];
                r[i] = reference[pick];
                c[i] = candidate[pick];
            }
            double difference = metric.compute(r, g) - metric.compute(c, g);
            sum += difference;
            sumSquares += difference * difference;
        }
        double mean = sum / RESAMPLES;
        return Math.sqrt(Math.max(0, (sumSquares - RESAMPLES * mean * mean) / (RESAMPLES - 1)));
    }
}
