package dev.skeleton.builder.train;

import dev.skeleton.builder.data.LabeledExample;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The label distribution the training loss pulls each example's prediction towards: its gold label, or, for
 * knowledge distillation, a mix of the gold label and a teacher's predicted distribution. Re-tuning a skeleton
 * with the full model as teacher passes on what the removed neurons knew beyond the hard labels (how sure,
 * and about which examples), which the gold labels alone do not.
 */
public final class Targets {

    /** The gold label only: plain cross-entropy. */
    public static final Targets GOLD = new Targets(Map.of(), 0f);

    private final Map<LabeledExample, float[]> teacher;
    private final float weight;

    private Targets(Map<LabeledExample, float[]> teacher, float weight) {
        this.teacher = teacher;
        this.weight = weight;
    }

    /**
     * {@code (1 - weight) * gold + weight * teacher}, where {@code probabilities[i]} is the teacher's predicted
     * distribution for {@code examples.get(i)}.
     */
    public static Targets distilled(List<LabeledExample> examples, float[][] probabilities, float weight) {
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("distillation weight " + weight + " must be in [0, 1]");
        }
        if (examples.size() != probabilities.length) {
            throw new IllegalArgumentException(examples.size() + " examples but " + probabilities.length
                    + " teacher predictions");
        }
        Map<LabeledExample, float[]> byExample = new HashMap<>();
        for (int i = 0; i < probabilities.length; i++) {
            byExample.put(examples.get(i), probabilities[i]);
        }
        return new Targets(byExample, weight);
    }

    /** The target distribution over {@code labels} labels for each example of {@code batch}. */
    float[][] of(List<LabeledExample> batch, int labels) {
        float[][] rows = new float[batch.size()][labels];
        for (int i = 0; i < rows.length; i++) {
            LabeledExample e = batch.get(i);
            float[] soft = teacher.get(e);
            if (soft == null && weight > 0) {
                throw new IllegalStateException("no teacher prediction for the example on line " + e.line());
            }
            for (int k = 0; k < labels; k++) {
                rows[i][k] = (k == e.label() ? 1 - weight : 0) + (soft == null ? 0 : weight * soft[k]);
            }
        }
        return rows;
    }
}
