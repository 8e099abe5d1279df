package dev.skeleton.builder.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The paired bootstrap's standard error against what is known in closed form, and its edge cases. */
class PairedBootstrapTest {

    @Test
    void shouldFindNoNoiseBetweenModelsThatAgreeEverywhere() {
        int[] gold = randomLabels(500, 3, 1);
        int[] predicted = randomLabels(500, 3, 2);

        assertThat(PairedBootstrap.standardError(GlueMetric.ACCURACY, gold, predicted, predicted.clone(), 7))
                .isZero();
    }

    @Test
    void shouldMatchTheClosedFormForAccuracy() {
        // the candidate is wrong where the reference is right on a share p of the examples, and agrees elsewhere:
        // the accuracy difference is the mean of n Bernoulli(p) draws, whose standard error is sqrt(p(1-p)/n)
        int n = 1000;
        int[] gold = randomLabels(n, 2, 3);
        int[] reference = gold.clone();
        int[] candidate = gold.clone();
        for (int i = 0; i < n; i += 10) {
            candidate[i] = 1 - gold[i];
        }
        double expected = Math.sqrt(0.1 * 0.9 / n);

        assertThat(PairedBootstrap.standardError(GlueMetric.ACCURACY, gold, reference, candidate, 11))
                .isCloseTo(expected, within(0.15 * expected));
    }

    @Test
    void shouldMeasureMetricsWithoutAClosedForm() {
        int[] gold = randomLabels(400, 2, 5);
        int[] reference = gold.clone();
        int[] candidate = gold.clone();
        for (int i = 0; i < 400; i += 7) {
            candidate[i] = 1 - gold[i];
        }

        double matthews = PairedBootstrap.standardError(GlueMetric.MATTHEWS, gold, reference, candidate, 13);
        double f1 = PairedBootstrap.standardError(GlueMetric.F1, gold, reference, candidate, 13);

        assertThat(matthews).isBetween(0.005, 0.1);
        assertThat(f1).isBetween(0.002, 0.1);
        assertThat(PairedBootstrap.standardError(GlueMetric.F1, gold, reference, candidate, 13))
                .as("seeded: the same estimate again").isEqualTo(f1);
    }

    @Test
    void shouldRefusePredictionsThatDoNotLineUp() {
        int[] gold = new int[10];

        assertThatThrownBy(() -> PairedBootstrap.standardError(GlueMetric.ACCURACY, gold, new int[10], new int[9], 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(10)").hasMessageContaining("9");
        assertThatThrownBy(() -> PairedBootstrap.standardError(GlueMetric.ACCURACY, new int[0], new int[0],
                new int[0], 1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static int[] randomLabels(int n, int labels, long seed) {
        Random random = new Random(seed);
        int[] out = new int[n];
        Arrays.setAll(out, i -> random.nextInt(labels));
        return out;
    }
}
