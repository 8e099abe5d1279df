package dev.skeleton.builder;

import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.builder.data.LabeledExample;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.runtime.TaskModel;
import dev.skeleton.engine.text.TextInput;
import java.util.Arrays;
import java.util.List;

/**
 * Measures a skeleton's speed-up over its prompt on the full model, on the task's own dev texts through the
 * serving engine: batches of 32, the two variants interleaved, median of the per-repetition ratios.
 */
final class SpeedProbe {

    private static final int BATCH = 32;
    private static final int REPETITIONS = 5;

    private SpeedProbe() {}

    /** seq/s of the skeleton divided by seq/s of the prompt on the full model. */
    static double speedup(SkeletonEngine engine, TaskSkeleton prompt, TaskSkeleton skeleton, List<LabeledExample> dev) {
        List<TextInput> texts = dev.stream().limit(256).map(LabeledExample::input).toList();
        try (TaskModel full = engine.load(prompt); TaskModel sliced = engine.load(skeleton)) {
            time(full, texts);
            time(sliced, texts);
            double[] ratios = new double[REPETITIONS];
            for (int r = 0; r < REPETITIONS; r++) {
                long fullNanos = time(full, texts);
                long slicedNanos = time(sliced, texts);
                ratios[r] = (double) fullNanos / slicedNanos;
            }
            Arrays.sort(ratios);
            return ratios[REPETITIONS / 2];
        }
    }

    private static long time(TaskModel task, List<TextInput> texts) {
        long start = System.nanoTime();
        for (int i = 0; i < texts.size(); i += BATCH) {
            task.classify(texts.subList(i, Math.min(texts.size(), i + BATCH)));
        }
        return System.nanoTime() - start;
    }
}
