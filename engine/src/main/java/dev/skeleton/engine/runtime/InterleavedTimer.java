package dev.skeleton.engine.runtime;

import dev.skeleton.engine.text.TextInput;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Times several loaded tasks against each other on a noisy machine, the one method behind {@code skeleton bench}
 * and the builder's candidate speeds. Variants are interleaved within each repetition and the order rotates, so a
 * slow phase of the machine hits all of them rather than one; every variant of a repetition classifies the same
 * batches, so sequence lengths are equal too. Callers take medians and paired ratios of the returned timings.
 */
public final class InterleavedTimer {

    private final int repetitions;
    private final double targetSeconds;
    private final int warmupBatches;

    /**
     * @param repetitions   timed repetitions per variant
     * @param targetSeconds about how long one timing of one variant lasts
     * @param warmupBatches timed warm-up batches per variant (after one untimed), also used to size the timings
     */
    public InterleavedTimer(int repetitions, double targetSeconds, int warmupBatches) {
        if (repetitions < 1 || !(targetSeconds > 0) || warmupBatches < 1) {
            throw new IllegalArgumentException("repetitions and warm-up batches must be >= 1 and the target time > 0,"
                    + " got " + repetitions + ", " + warmupBatches + " and " + targetSeconds);
        }
        this.repetitions = repetitions;
        this.targetSeconds = targetSeconds;
        this.warmupBatches = warmupBatches;
    }

    /**
     * The timings of a run.
     *
     * @param seqPerSecond       {@code [variant][repetition]} sequences per second
     * @param batchesPerTiming   batches classified in one timing of one variant
     */
    public record Timings(double[][] seqPerSecond, int batchesPerTiming) {

        /** Median over repetitions of variant / reference within the same repetition (above 1 is faster). */
        public double pairedSpeedup(int variant, int reference) {
            return SpeedStats.pairedSpeedup(seqPerSecond[variant], seqPerSecond[reference]);
        }

        /** Smallest and largest per-repetition ratio of variant / reference: the spread behind the median. */
        public double[] speedupRange(int variant, int reference) {
            double[] ratios = new double[seqPerSecond[variant].length];
            for (int r = 0; r < ratios.length; r++) {
                ratios[r] = seqPerSecond[variant][r] / seqPerSecond[reference][r];
            }
            return new double[] {SpeedStats.min(ratios), SpeedStats.max(ratios)};
        }
    }

    /**
     * Times {@code variants} on batches of {@code size} texts; {@code batchAt} returns the batch with a given index
     * (consecutive indices should differ, so no variant is timed on one lucky batch).
     */
    public Timings measure(List<TaskModel> variants, int size, LongFunction<List<TextInput>> batchAt) {
        long cursor = 0;
        double secondsPerBatch = 0;
        for (TaskModel v : variants) {
            run(v, batchAt, cursor, 1);
            secondsPerBatch += run(v, batchAt, cursor + 1, warmupBatches) / 1e9 / warmupBatches;
        }
        cursor += 1 + warmupBatches;
        int batches = SpeedStats.batchesFor(targetSeconds, secondsPerBatch / variants.size());
        double[][] seqPerSecond = new double[variants.size()][repetitions];
        for (int rep = 0; rep < repetitions; rep++) {
            for (int j = 0; j < variants.size(); j++) {
                int v = (rep + j) % variants.size();
                long nanos = run(variants.get(v), batchAt, cursor, batches);
                seqPerSecond[v][rep] = SpeedStats.seqPerSecond((long) batches * size, nanos);
            }
            cursor += batches;
        }
        return new Timings(seqPerSecond, batches);
    }

    private static long run(TaskModel task, LongFunction<List<TextInput>> batchAt, long first, int count) {
        List<List<TextInput>> batches = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            batches.add(batchAt.apply(first + k));
        }
        long start = System.nanoTime();
        for (List<TextInput> batch : batches) {
            task.classify(batch);
        }
        return System.nanoTime() - start;
    }
}
