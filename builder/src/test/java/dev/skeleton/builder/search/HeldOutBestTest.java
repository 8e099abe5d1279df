package dev.skeleton.builder.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skeleton.builder.train.Evaluation;
import dev.skeleton.builder.train.GlueMetric;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HeldOutBestTest {

    private static final int[] GOLD = {0, 1, 1, 0, 2, 1, 0, 0, 1, 2};

    @Test
    void shouldSplitEachLabelEvenlyIntoTwoHalvesThatCoverTheSplit() {
        int[][] halves = HeldOutBest.halves(GOLD);

        assertThat(IntStream.concat(Arrays.stream(halves[0]), Arrays.stream(halves[1])).sorted().toArray())
                .containsExactly(IntStream.range(0, GOLD.length).toArray());
        for (int label = 0; label <= 2; label++) {
            int l = label;
            long first = Arrays.stream(halves[0]).filter(i -> GOLD[i] == l).count();
            long second = Arrays.stream(halves[1]).filter(i -> GOLD[i] == l).count();
            assertThat(Math.abs(first - second)).as("label %d", label).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void shouldKeepBothHalvesNonEmptyWhenEveryLabelOccursOnce() {
        int[][] halves = HeldOutBest.halves(new int[] {3, 1, 0, 2});

        assertThat(halves[0]).hasSize(2);
        assertThat(halves[1]).hasSize(2);
    }

    @Test
    void shouldNotCreditARoundWithWhatItGotRightByLuckOnOneHalf() {
        int[][] halves = HeldOutBest.halves(GOLD);
        HeldOutBest heldOut = new HeldOutBest(GlueMetric.ACCURACY, GOLD);
        // each round is right on one half only: its best on that half, and 50% on the whole split
        heldOut.offer(rightOn(halves[0]));
        heldOut.offer(rightOn(halves[1]));

        Evaluation estimate = heldOut.estimate();

        // each example is predicted by the round the other half chose, which was wrong on it
        assertThat(estimate.value()).isZero();
        assertThat(estimate.predicted()).hasSize(GOLD.length);
    }

    @Test
    void shouldEqualTheMetricOfARoundThatIsBestOnBothHalves() {
        HeldOutBest heldOut = new HeldOutBest(GlueMetric.ACCURACY, GOLD);
        int[] good = GOLD.clone();
        good[0] = 1;
        heldOut.offer(new int[GOLD.length]);
        heldOut.offer(good);
        heldOut.offer(new int[GOLD.length]);

        assertThat(heldOut.estimate().value()).isEqualTo(0.9);
        assertThat(heldOut.estimate().predicted()).containsExactly(good);
    }

    @Test
    void shouldRefuseWhatCannotBeSplitOrScored() {
        assertThatThrownBy(() -> new HeldOutBest(GlueMetric.ACCURACY, new int[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2");
        HeldOutBest heldOut = new HeldOutBest(GlueMetric.ACCURACY, GOLD);
        assertThatThrownBy(heldOut::estimate).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> heldOut.offer(new int[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 predictions for 10 examples");
    }

    private static int[] rightOn(int[] indices) {
        int[] predicted = Arrays.stream(GOLD).map(g -> (g + 1) % 3).toArray();
        for (int i : indices) {
            predicted[i] = GOLD[i];
        }
        return predicted;
    }
}
