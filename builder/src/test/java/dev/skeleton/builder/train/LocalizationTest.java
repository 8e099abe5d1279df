package dev.skeleton.builder.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LocalizationTest {

    private static double[][] scores(int layers, int units, long seed) {
        Random r = new Random(seed);
        double[][] s = new double[layers][units];
        for (double[] layer : s) {
            for (int i = 0; i < units; i++) {
                layer[i] = r.nextDouble();
            }
        }
        return s;
    }

    @Test
    void shouldKeepTheRatioInEveryLayerWhenRankingPerLayer() {
        List<List<Integer>> kept = Localization.select(scores(6, 1536, 1), 0.3, Localization.Scope.PER_LAYER, 1);

        assertThat(kept).hasSize(6).allSatisfy(layer -> assertThat(layer).hasSize(461).isSorted()
                .doesNotHaveDuplicates());
    }

    @Test
    void shouldKeepTheRatioOverAllLayersWhenRankingGlobally() {
        List<List<Integer>> kept = Localization.select(scores(6, 1536, 2), 0.3, Localization.Scope.GLOBAL, 1);

        assertThat(kept.stream().mapToInt(List::size).sum()).isEqualTo((int) Math.round(0.3 * 6 * 1536));
        assertThat(kept).allSatisfy(layer -> assertThat(layer).isNotEmpty().isSorted());
    }

    @Test
    void shouldKeepTheHighestScores() {
        double[][] s = {{0.1, 0.9, 0.5, 0.7}};

        assertThat(Localization.select(s, 0.5, Localization.Scope.PER_LAYER, 1)).containsExactly(List.of(1, 3));
    }

    @Test
    void shouldLetImportantLayersKeepMoreWhenRankingGlobally() {
        double[][] s = {{0.9, 0.8, 0.7, 0.6}, {0.01, 0.02, 0.03, 0.04}};

        List<List<Integer>> kept = Localization.select(s, 0.5, Localization.Scope.GLOBAL, 1);

        assertThat(kept.get(0)).hasSize(3);
        assertThat(kept.get(1)).as("at least one unit per layer").containsExactly(3);
    }
}
