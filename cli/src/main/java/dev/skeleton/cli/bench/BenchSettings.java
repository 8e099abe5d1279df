package dev.skeleton.cli.bench;

import java.util.List;

/**
 * What the benchmark runs and how long it measures.
 *
 * @param threads       ONNX Runtime threads per inference call
 * @param promptLength  soft prompt rows of every variant
 * @param batchSizes    batch sizes to measure
 * @param keeps         FFN keep ratios of the skeleton variants; 1.0 is the full model and is always measured
 * @param reps          timed repetitions per variant and batch size; the median is reported
 * @param targetSeconds about how long one timing of one variant lasts
 * @param warmupBatches timed warm-up batches per variant and batch size (after one untimed), also used to
 *                      size the timings
 * @param memoryTasks   extra tasks loaded for the memory measurement
 * @param memoryKeep    FFN keep ratio of those tasks
 * @param seed          seed of the synthetic skeletons
 */
public record BenchSettings(int threads, int promptLength, List<Integer> batchSizes,
        List<Double> keeps, int reps, double targetSeconds, int warmupBatches, int memoryTasks, double memoryKeep,
        long seed) {

    public static final List<Integer> BATCH_SIZES = List.of(1, 8, 32);
    public static final List<Double> KEEPS = List.of(1.0, 0.5, 0.3, 0.1);

    public BenchSettings {
        batchSizes = List.copyOf(batchSizes);
        keeps = List.copyOf(keeps);
        if (keeps.isEmpty() || keeps.get(0) != 1.0) {
            throw new IllegalArgumentException(
                    "keeps must start with 1.0, the full model every speedup is relative to");
        }
    }

    /** These settings with {@code tasks} extra tasks loaded for the memory measurement. */
    public BenchSettings withMemoryTasks(int tasks) {
        return new BenchSettings(threads, promptLength, batchSizes, keeps, reps, targetSeconds, warmupBatches, tasks,
                memoryKeep, seed);
    }

    /** The reported figures: 7 repetitions of about 1.5 s each. */
    public static BenchSettings full(int threads, int promptLength) {
        return new BenchSettings(threads, promptLength, BATCH_SIZES, KEEPS, 7, 1.5, 3, 8, 0.3, 42);
    }

    /** A rough look in well under two minutes on two cores: 3 repetitions of about 0.5 s each. */
    public static BenchSettings quick(int threads, int promptLength) {
        return new BenchSettings(threads, promptLength, BATCH_SIZES, KEEPS, 3, 0.5, 2, 8, 0.3, 42);
    }
}
