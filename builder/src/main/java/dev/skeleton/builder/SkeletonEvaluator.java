package dev.skeleton.builder;

import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.builder.data.LabeledExample;
import dev.skeleton.builder.train.GlueMetric;
import dev.skeleton.engine.runtime.Classification;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.runtime.TaskModel;
import java.util.List;

/**
 * Scores a skeleton the way it will serve: through the production ONNX Runtime engine, never the training
 * code, so a reported metric is the metric users get.
 */
public final class SkeletonEvaluator {

    private static final int BATCH = 64;

    private SkeletonEvaluator() {}

    /** The task's metric of {@code skeleton} on {@code examples}, as a fraction. */
    public static double evaluate(SkeletonEngine engine, TaskSkeleton skeleton, List<LabeledExample> examples,
            GlueMetric metric) {
        int[] predicted = new int[examples.size()];
        try (TaskModel task = engine.load(skeleton)) {
            for (int start = 0; start < examples.size(); start += BATCH) {
                List<LabeledExample> batch = examples.subList(start, Math.min(examples.size(), start + BATCH));
                List<Classification> out = task.classify(batch.stream().map(LabeledExample::input).toList());
                for (int i = 0; i < out.size(); i++) {
                    predicted[start + i] = skeleton.getLabels().indexOf(out.get(i).label());
                }
            }
        }
        return metric.compute(predicted, examples.stream().mapToInt(LabeledExample::label).toArray());
    }
}
