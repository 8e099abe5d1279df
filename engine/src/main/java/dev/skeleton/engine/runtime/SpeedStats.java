package dev.skeleton.engine.runtime;

import java.util.Arrays;

/**
 * The arithmetic of speed measurements ({@link InterleavedTimer}, the benchmarks), kept pure so it can be checked
 * on fixed numbers.
 */
public final class SpeedStats {

    private SpeedStats() {}

    /** Sequences per second of {@code sequences} classified in {@code nanos}. */
    public static double seqPerSecond(long sequences, long nanos) {
        if (nanos <= 0) {
            throw new IllegalArgumentException("elapsed time must be > 0 ns, got " + nanos);
        }
        return sequences * 1e9 / nanos;
    }

    /**
     * The median: robust to the odd slow repetition on a shared machine (GC, a noisy neighbour), where a
     * mean would be dragged. Even counts take the mean of the two middle values.
     */
    public static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("median of no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * The {@code p}-th percentile (0 < p <= 100) by nearest rank: the smallest value with at least p% of the values
     * at or below it. Always one of the values, never an interpolation.
     */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("percentile of no values");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** Speed of a variant relative to the full model at the same batch size: above 1 is faster. */
    public static double speedup(double variantSeqPerSecond, double fullSeqPerSecond) {
        if (!(fullSeqPerSecond > 0)) {
            throw new IllegalArgumentException("full model throughput must be > 0, got " + fullSeqPerSecond);
        }
        return variantSeqPerSecond / fullSeqPerSecond;
    }

    /**
     * Speed-up from paired timings: the median over repetitions of variant / full within the same
     * repetition. Variants of one repetition run back to back, so a machine-wide slow phase divides out of
     * each pair instead of landing on one variant's median.
     */
    public static double pairedSpeedup(double[] variantSeqPerSecond, double[] fullSeqPerSecond) {
        if (variantSeqPerSecond.length != fullSeqPerSecond.length) {
            throw new IllegalArgumentException("paired timings need equal counts, got " + variantSeqPerSecond.length
                    + " and " + fullSeqPerSecond.length);
        }
        double[] ratios = new double[variantSeqPerSecond.length];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = speedup(variantSeqPerSecond[i], fullSeqPerSecond[i]);
        }
        return median(ratios);
    }

    public static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    public static double max(double[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }

    /** Batches per timing so one timing lasts about {@code targetSeconds}, given seconds per batch; at least 1. */
    public static int batchesFor(double targetSeconds, double secondsPerBatch) {
        if (!(secondsPerBatch > 0)) {
            return 1;
        }
        return (int) Math.max(1, Math.ceil(targetSeconds / secondsPerBatch));
    }
}
