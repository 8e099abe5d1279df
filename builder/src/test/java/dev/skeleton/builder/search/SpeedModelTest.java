package dev.skeleton.builder.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.skeleton.builder.search.CandidateResult.Speed;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpeedModelTest {

    /** Time ratios of an exactly linear machine: 0.15 fixed, 0.55 FFN, 0.30 heads. */
    private static double ratio(double ffn, double head) {
        return 0.15 + 0.55 * ffn + 0.30 * head;
    }

    /** The 15 shapes of the default grid, timed exactly but for {@code noisy}, measured {@code noise} faster. */
    private static Map<Candidate, Speed> grid(Map<Candidate, Double> noisy) {
        Map<Candidate, Speed> speeds = new LinkedHashMap<>();
        for (double f : new double[] {0.1, 0.2, 0.3, 0.4, 0.5}) {
            for (double h : new double[] {0.5, 0.75, 1.0}) {
                Candidate c = new Candidate(f, h);
                double speedup = 1 / ratio(f, h) * (1 + noisy.getOrDefault(c, 0.0));
                speeds.put(c, new Speed(speedup, speedup, speedup));
            }
        }
        return speeds;
    }

    @Test
    void shouldRecoverTheCoefficientsOfALinearMachine() {
        SpeedModel model = SpeedModel.fit(grid(Map.of()));

        assertThat(model.fixed()).isCloseTo(0.15, within(1e-9));
        assertThat(model.perFfn()).isCloseTo(0.55, within(1e-9));
        assertThat(model.perHead()).isCloseTo(0.30, within(1e-9));
        assertThat(model.worstResidual(grid(Map.of()))).isCloseTo(0, within(1e-9));
    }

    @Test
    void shouldOrderNearTiesByTheModelNotByTheirNoise() {
        // 0.2 x 1.0 (ratio 0.56) and 0.3 x 0.75 (0.54) are 4% apart: 3% of noise each way swaps them when measured
        Map<Candidate, Speed> noisy = grid(Map.of(new Candidate(0.2, 1.0), 0.03, new Candidate(0.3, 0.75), -0.03));
        assertThat(noisy.get(new Candidate(0.2, 1.0)).median())
                .isGreaterThan(noisy.get(new Candidate(0.3, 0.75)).median());

        List<Candidate> order = SpeedModel.fit(noisy).fastestFirst(noisy);

        assertThat(order.get(0)).isEqualTo(new Candidate(0.1, 0.5));
        assertThat(order.indexOf(new Candidate(0.3, 0.75))).isLessThan(order.indexOf(new Candidate(0.2, 1.0)));
        assertThat(order).hasSize(15).last().isEqualTo(new Candidate(0.5, 1.0));
    }

    @Test
    void shouldFoldAKeepRatioNoCandidateVariesIntoTheFixedPart() {
        Map<Candidate, Speed> speeds = new LinkedHashMap<>();
        for (double f : new double[] {0.2, 0.3}) {
            double speedup = 1 / ratio(f, 1.0);
            speeds.put(new Candidate(f, 1.0), new Speed(speedup, speedup, speedup));
        }

        SpeedModel model = SpeedModel.fit(speeds);

        assertThat(model.perHead()).isZero();
        assertThat(model.perFfn()).isCloseTo(0.55, within(1e-9));
        assertThat(model.speedup(new Candidate(0.3, 1.0))).isCloseTo(1 / ratio(0.3, 1.0), within(1e-9));
    }

    @Test
    void shouldGiveNoModelWhenTheShapesCannotTellFfnFromHeads() {
        // one shape on the diagonal and the full model: any split of the time between FFN and heads fits
        Map<Candidate, Speed> speeds = Map.of(new Candidate(0.5, 0.5), new Speed(1.6, 1.5, 1.7));

        assertThat(SpeedModel.fit(speeds)).isNull();
    }
}
