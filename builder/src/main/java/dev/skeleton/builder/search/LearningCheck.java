package dev.skeleton.builder.search;

import dev.skeleton.builder.data.LabeledExample;
import dev.skeleton.builder.train.GlueMetric;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Whether prompt tuning learned the task: its validation metric must be clearly above always answering the
 * training split's majority label, and above the linear probe when one ran. "Clearly" is a margin of at
 * least 2 points and at least the one-sided 95% band of the metric at chance on the {@code n} validation
 * examples: {@code 1.645 * 0.5 / sqrt(n)} for accuracy and F1 (a fair coin's standard error), {@code 1.645 /
 * sqrt(n)} for Matthews correlation (the standard error of a correlation near 0), so a task at chance is not
 * waved through by a lucky split.
 *
 * @param learned   whether the prompt passed
 * @param majority  validation metric of the majority label
 * @param margin    the margin it had to beat the baselines by
 * @param message   one sentence saying what was compared, for the log and the report
 */
public record LearningCheck(boolean learned, double majority, double margin, String message) {

    /** Smallest margin, as a fraction of the metric: 2 points. */
    public static final double MIN_MARGIN = 0.02;

    /**
     * @param promptValidation the prompt's validation metric
     * @param probeValidation  the linear probe's validation metric, or NaN when none ran
     */
    public static LearningCheck of(GlueMetric metric, List<String> labels, List<LabeledExample> train,
            List<LabeledExample> validation, double promptValidation, double probeValidation) {
        int[] counts = new int[labels.size()];
        train.forEach(e -> counts[e.label()]++);
        int majorityLabel = 0;
        for (int k = 1; k < counts.length; k++) {
            if (counts[k] > counts[majorityLabel]) {
                majorityLabel = k;
            }
        }
        int[] always = new int[validation.size()];
        Arrays.fill(always, majorityLabel);
        double majority = metric.compute(always, validation.stream().mapToInt(LabeledExample::label).toArray());
        double margin = Math.max(MIN_MARGIN, 1.645 * metric.chanceStandardError(validation.size()));
        boolean overMajority = promptValidation >= majority + margin;
        boolean overProbe = Double.isNaN(probeValidation) || promptValidation >= probeValidation + margin;
        String compared = String.format(Locale.ROOT, "validation %s %.2f with the prompt against %.2f always answering "
                + "'%s'%s, with a margin of %.2f (%d validation examples)", metric.key(), 100 * promptValidation,
                100 * majority, labels.get(majorityLabel), Double.isNaN(probeValidation) ? ""
                        : String.format(Locale.ROOT, " and %.2f for the linear probe", 100 * probeValidation),
                100 * margin, validation.size());
        String verdict = overMajority && overProbe ? "prompt tuning learned the task: "
                : "prompt tuning did not clearly learn the task (" + (overMajority ? "no better than the linear probe"
                        : "no better than the majority label") + "): ";
        return new LearningCheck(overMajority && overProbe, majority, margin, verdict + compared);
    }
}
