package dev.skeleton.builder.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skeleton.builder.train.GlueMetric;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SelectionBiasTest {

    private static final int N = 400;
    private final Random random = new Random(3);
    private final int[] gold = random.ints(N, 0, 2).toArray();

    @Test
    void shouldCostNothingWithASingleRound() {
        assertThat(SelectionBias.of(GlueMetric.ACCURACY, gold, List.of(coin()), 1)).isZero();
    }

    @Test
    void shouldChargeTheBestOfRoundsThatDifferOnlyByLuckAboutTheirNoise() {
        List<int[]> rounds = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            rounds.add(coin());
        }

        double bias = SelectionBias.of(GlueMetric.ACCURACY, gold, rounds, 1);

        // one round's accuracy moves by 2.5 points on 400 examples; the best of ten by a few of those
        assertThat(bias).isBetween(0.01, 0.08);
    }

    @Test
    void shouldChargeAlmostNothingForARoundFarAboveTheRest() {
        List<int[]> rounds = new ArrayList<>(List.of(coin(), coin(), coin()));
        rounds.add(gold.clone());

        assertThat(SelectionBias.of(GlueMetric.MATTHEWS, gold, rounds, 1)).isBetween(0.0, 0.001);
    }

    @Test
    void shouldRefusePredictionsForAnotherNumberOfExamples() {
        assertThatThrownBy(() -> SelectionBias.of(GlueMetric.F1, gold, List.of(coin(), new int[3]), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 predictions for 400 examples");
    }

    /** Predictions that are right half the time, by luck. */
    private int[] coin() {
        return random.ints(N, 0, 2).toArray();
    }
}
