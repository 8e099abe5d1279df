package dev.skeleton.builder.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GlueMetricTest {

    private static final int[] GOLD = {1, 1, 1, 0, 0, 0};
    private static final int[] PREDICTED = {1, 1, 0, 0, 0, 1};

    @Test
    void shouldComputeAccuracyF1AndMatthews() {
        assertThat(GlueMetric.ACCURACY.compute(PREDICTED, GOLD)).isCloseTo(4 / 6.0, within(1e-12));
        // tp 2, fp 1, fn 1
        assertThat(GlueMetric.F1.compute(PREDICTED, GOLD)).isCloseTo(2.0 / 3, within(1e-12));
        // (tp*tn - fp*fn) / sqrt(3*3*3*3) = (4 - 1) / 9
        assertThat(GlueMetric.MATTHEWS.compute(PREDICTED, GOLD)).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void shouldPickTheGlueMetricOfATask() {
        assertThat(GlueMetric.forTask("mrpc")).isEqualTo(GlueMetric.F1);
        assertThat(GlueMetric.forTask("cola")).isEqualTo(GlueMetric.MATTHEWS);
        assertThat(GlueMetric.forTask("sst2")).isEqualTo(GlueMetric.ACCURACY);
    }
}
