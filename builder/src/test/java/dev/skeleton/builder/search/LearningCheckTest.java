package dev.skeleton.builder.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.skeleton.builder.data.LabeledExample;
import dev.skeleton.builder.train.GlueMetric;
import dev.skeleton.engine.text.TextInput;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LearningCheckTest {

    private static final List<String> LABELS = List.of("entailment", "not_entailment");

    /** {@code ones} of {@code n} examples have label 1. */
    private static List<LabeledExample> examples(int n, int ones) {
        List<LabeledExample> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(new LabeledExample(TextInput.of("t" + i), i < ones ? 1 : 0, i + 1));
        }
        return all;
    }

    @Test
    void shouldCallAPromptAtTheMajorityRateNotLearned() {
        LearningCheck check = LearningCheck.of(GlueMetric.ACCURACY, LABELS, examples(2000, 1050), examples(400, 210),
                0.53, Double.NaN);

        assertThat(check.learned()).isFalse();
        assertThat(check.majority()).as("always 'not_entailment'").isEqualTo(0.525);
        assertThat(check.margin()).as("1.645 * 0.5 / sqrt(400)").isCloseTo(0.0411, offset(1e-4));
        assertThat(check.message()).contains("did not clearly learn", "no better than the majority label",
                "'not_entailment'");
    }

    @Test
    void shouldCallAPromptClearlyAboveTheMajorityLearned() {
        LearningCheck check = LearningCheck.of(GlueMetric.ACCURACY, LABELS, examples(2000, 1050), examples(400, 210),
                0.80, 0.60);

        assertThat(check.learned()).as(check.message()).isTrue();
        assertThat(check.message()).startsWith("prompt tuning learned the task");
    }

    @Test
    void shouldCallAPromptNoBetterThanTheLinearProbeNotLearned() {
        LearningCheck check = LearningCheck.of(GlueMetric.ACCURACY, LABELS, examples(2000, 1050), examples(400, 210),
                0.80, 0.79);

        assertThat(check.learned()).isFalse();
        assertThat(check.message()).contains("no better than the linear probe");
    }

    @Test
    void shouldMeasureTheMajorityWithTheTasksMetric() {
        // Matthews correlation of a constant answer is 0; a correlation's chance band is twice a coin's
        LearningCheck weak = LearningCheck.of(GlueMetric.MATTHEWS, LABELS, examples(2000, 1400), examples(1000, 700),
                0.04, Double.NaN);
        assertThat(weak.majority()).isZero();
        assertThat(weak.margin()).as("1.645 / sqrt(1000)").isCloseTo(0.052, offset(1e-3));
        assertThat(weak.learned()).isFalse();
        assertThat(LearningCheck.of(GlueMetric.MATTHEWS, LABELS, examples(2000, 1400), examples(1000, 700), 0.30,
                Double.NaN).learned()).isTrue();
    }
}
