package dev.skeleton.builder.search;

import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.builder.search.CandidateResult.Speed;
import dev.skeleton.engine.runtime.InterleavedTimer;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.runtime.TaskModel;
import dev.skeleton.engine.text.TextInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures every candidate's speed-up over the prompt on the full model on the serving engine, before any
 * re-tuning: speed depends on the shape (units kept, prompt length, texts), not on trained values, so all
 * candidates are timed together in one interleaved run ({@link InterleavedTimer}, as {@code skeleton bench}
 * does) on the task's own texts, and the search knows which is fastest before it spends time on accuracy.
 */
public final class CandidateSpeeds {

    /** Batch size of the timings, the serving engine's default micro-batch. */
    public static final int BATCH = 32;
    /** Interleaved repetitions; the median of paired ratios is the speed-up. */
    public static final int REPETITIONS = 7;
    private static final double SECONDS_PER_TIMING = 0.4;

    private CandidateSpeeds() {}

    /**
     * @param prompt the prompt on the full model (the reference)
     * @param shapes a skeleton of each candidate's shape (any trained values)
     * @param texts  texts to classify, cycled through in batches of {@link #BATCH}
     */
    public static Map<Candidate, Speed> measure(SkeletonEngine engine, TaskSkeleton prompt,
            Map<Candidate, TaskSkeleton> shapes, List<TextInput> texts) {
        List<TaskModel> models = new ArrayList<>();
        try {
            models.add(engine.load(prompt));
            for (TaskSkeleton s : shapes.values()) {
                models.add(engine.load(s));
            }
            List<Speed> timed = time(models, texts);
            Map<Candidate, Speed> speeds = new LinkedHashMap<>();
            int v = 0;
            for (Candidate c : shapes.keySet()) {
                speeds.put(c, timed.get(v++));
            }
            return speeds;
        } finally {
            models.forEach(TaskModel::close);
        }
    }

    /**
     * The speed-up of {@code skeleton} served by {@code other} (an int8 engine, say) over {@code prompt} served by
     * {@code engine}, timed the same way.
     */
    public static Speed measureOn(SkeletonEngine engine, TaskSkeleton prompt, SkeletonEngine other,
            TaskSkeleton skeleton, List<TextInput> texts) {
        try (TaskModel reference = engine.load(prompt); TaskModel candidate = other.load(skeleton)) {
            return time(List.of(reference, candidate), texts).get(0);
        }
    }

    /** Interleaved timings of {@code models}; the speed-up of each but the first over the first. */
    private static List<Speed> time(List<TaskModel> models, List<TextInput> texts) {
        InterleavedTimer.Timings timings = new InterleavedTimer(REPETITIONS, SECONDS_PER_TIMING, 2)
                .measure(models, BATCH, index -> batch(texts, index));
        List<Speed> speeds = new ArrayList<>();
        for (int v = 1; v < models.size(); v++) {
            double[] range = timings.speedupRange(v, 0);
            speeds.add(new Speed(timings.pairedSpeedup(v, 0), range[0], range[1]));
        }
        return speeds;
    }

    private static List<TextInput> batch(List<TextInput> texts, long index) {
        List<TextInput> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            batch.add(texts.get((int) ((index * BATCH + i) % texts.size())));
        }
        return batch;
    }
}
