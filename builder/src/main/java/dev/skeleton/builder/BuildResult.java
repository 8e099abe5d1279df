package dev.skeleton.builder;

import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.builder.train.Attribution;
import dev.skeleton.builder.train.GlueMetric;
import java.util.List;

/**
 * The outcome of a build.
 *
 * @param prompt           prompt and head tuned on the full model (no neurons removed)
 * @param skeleton         the skeleton: kept neurons and heads, re-tuned prompt and head
 * @param metric           the task's GLUE metric
 * @param promptMetric     dev metric of {@code prompt}, served by the ONNX Runtime engine
 * @param skeletonMetric   dev metric of {@code skeleton}, served by the ONNX Runtime engine
 * @param speedup          skeleton seq/s over prompt-on-full-model seq/s, batch 32, dev texts, serving engine
 * @param scores           attribution scores that chose the kept units
 * @param sweep            metric and speed-up at other keep ratios (re-tuned the same way), if asked for
 * @param linearProbeMetric dev metric of a linear probe on the frozen model (NaN if not asked for)
 * @param trainExamples    training examples used
 * @param devExamples      development examples evaluated
 * @param seconds          wall time of the build
 */
public record BuildResult(TaskSkeleton prompt, TaskSkeleton skeleton, GlueMetric metric, double promptMetric,
        double skeletonMetric, double speedup, Attribution.Scores scores, List<SweepPoint> sweep, double linearProbeMetric, int trainExamples, int devExamples, double seconds) {}
