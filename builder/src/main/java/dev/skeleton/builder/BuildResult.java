package dev.skeleton.builder;

import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.builder.search.Candidate;
import dev.skeleton.builder.search.CandidateResult;
import dev.skeleton.builder.search.LearningCheck;
import dev.skeleton.builder.search.ValidationRounds;
import dev.skeleton.builder.train.Attribution;
import dev.skeleton.builder.train.GlueMetric;
import dev.skeleton.builder.train.PromptTuner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of a build. Metrics are fractions; "validation" is the split held out of the training data (every
 * choice was made on it), "dev" the dev file (reported only).
 *
 * @param prompt             prompt and head tuned on the full model (no neurons removed)
 * @param skeleton           the shipped skeleton, or null when the task did not learn and weak tasks are not allowed
 * @param metric             the task's GLUE metric
 * @param promptMetrics      the prompt's metrics
 * @param shipped            the skeleton's metrics (NaN when nothing ships)
 * @param linearProbe        the linear probe's metrics (NaN when not asked for)
 * @param learning           whether prompt tuning learned the task, and against what
 * @param chosen             the shipped shape; {@link Candidate#FULL} when no candidate reached the budget
 * @param speed              the shipped shape's speed-up over the prompt on the full model
 * @param int8               the shipped skeleton served with int8 weights ({@code engine.precision=int8}): its
 *                           metrics, and its speed-up over the fp32 prompt on the full model (null when nothing ships)
 * @param candidates         every candidate of the search, fastest first (empty when nothing ships)
 * @param maxDrop            the accuracy budget in points
 * @param scores             attribution scores that localized the candidates (null when nothing ships)
 * @param validationRounds   every prediction the search judged on the validation split (null when nothing ships)
 * @param promptTuning       epochs of prompt tuning run and its validation metric after each (for a given prompt: the
 *                           epochs its build recorded, or 0, and no curve)
 * @param trainExamples      training examples used (after holding out validation)
 * @param validationExamples validation examples held out
 * @param leftOut            training examples left out because a validation example contains them
 * @param devExamples        development examples evaluated
 * @param seconds            wall time of the build
 */
public record BuildResult(TaskSkeleton prompt, TaskSkeleton skeleton, GlueMetric metric, Metrics promptMetrics,
        Metrics shipped, Metrics linearProbe, LearningCheck learning, Candidate chosen, CandidateResult.Speed speed,
        Int8 int8, List<CandidateResult> candidates, double maxDrop, Attribution.Scores scores,
        ValidationRounds validationRounds, PromptTuner.Tuned promptTuning, int trainExamples, int validationExamples,
        int leftOut, int devExamples, double seconds) {

    /**
     * A metric on both splits.
     *
     * @param validation on the validation split held out of the training data
     * @param dev        on the dev file
     */
    public record Metrics(double validation, double dev) {

        public static final Metrics NONE = new Metrics(Double.NaN, Double.NaN);
    }

    /**
     * The shipped skeleton with int8 weights.
     *
     * @param metrics its metric on both splits
     * @param speed   its speed-up over the prompt on the full model in fp32
     */
    public record Int8(Metrics metrics, CandidateResult.Speed speed) {}

    /** Whether a skeleton ships (the task learned, or weak tasks were allowed). */
    public boolean ships() {
        return skeleton != null;
    }

    /**
     * The build in one flat object, for {@code build --json} and {@code sweep.json}: task, version, metric, dev
     * metrics of the prompt and the skeleton, validation metrics, speed-up, shape, budget, build time, and the
     * linear probe's dev metric when it ran. Metrics are fractions; a skeleton that did not ship is null.
     */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", prompt.getTaskId());
        m.put("version", prompt.getVersion());
        m.put("metric", metric.key());
        m.put("prompt", promptMetrics.dev());
        m.put("skeleton", ships() ? shipped.dev() : null);
        Map<String, Object> validation = new LinkedHashMap<>();
        validation.put("prompt", promptMetrics.validation());
        validation.put("skeleton", ships() ? shipped.validation() : null);
        candidates.stream().filter(c -> c.status() == CandidateResult.Status.CHOSEN).findFirst()
                .ifPresent(c -> {
                    validation.put("skeleton_selection_bias", c.selectionBias());
                    validation.put("skeleton_noise_margin", c.margin());
                });
        validation.put("majority", learning.majority());
        if (!Double.isNaN(linearProbe.validation())) {
            validation.put("linear_probe", linearProbe.validation());
        }
        m.put("validation", validation);
        m.put("speedup", ships() ? speed.median() : null);
        m.put("speedup_range", ships() ? List.of(speed.min(), speed.max()) : null);
        m.put("ffn_keep", ships() ? chosen.ffnKeep() : null);
        m.put("head_keep", ships() ? chosen.headKeep() : null);
        m.put("max_drop", maxDrop);
        if (int8 != null) {
            Map<String, Object> inInt8 = new LinkedHashMap<>();
            inInt8.put("skeleton", int8.metrics().dev());
            inInt8.put("validation", int8.metrics().validation());
            inInt8.put("speedup", int8.speed().median());
            m.put("int8", inInt8);
        }
        m.put("build_s", seconds);
        if (!Double.isNaN(linearProbe.dev())) {
            m.put("linear_probe", linearProbe.dev());
        }
        m.put("learned", learning.learned());
        m.put("shipped", ships());
        m.put("candidates_tried", candidates.stream().filter(c -> c.status().tried()).count());
        m.put("prompt_epochs", promptTuning.epochs());
        m.put("prompt_ending", promptTuning.ending().name().toLowerCase(Locale.ROOT));
        m.put("train_examples", trainExamples);
        m.put("validation_examples", validationExamples);
        m.put("left_out_examples", leftOut);
        m.put("dev_examples", devExamples);
        return m;
    }
}
