package dev.skeleton.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SpeedStatsTest {

    @Test
    void shouldTakeMiddleValueOfOddCountWhateverTheOrder() {
        assertThat(SpeedStats.median(new double[] {120, 80, 100, 300, 95, 110, 20})).isEqualTo(100);
    }

    @Test
    void shouldAverageTheTwoMiddleValuesOfEvenCount() {
        assertThat(SpeedStats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }

    @Test
    void shouldIgnoreOneOutlierRepetition() {
        assertThat(SpeedStats.median(new double[] {100, 101, 5})).isEqualTo(100);
    }

    @Test
    void shouldTakePercentilesByNearestRank() {
        double[] latencies = new double[100];
        for (int i = 0; i < 100; i++) {
            latencies[i] = 100 - i;
        }
        assertThat(SpeedStats.percentile(latencies, 50)).as("p50 of 1..100").isEqualTo(50);
        assertThat(SpeedStats.percentile(latencies, 99)).as("p99 of 1..100").isEqualTo(99);
        assertThat(SpeedStats.percentile(new double[] {7, 3}, 99)).as("p99 of two values is the larger").isEqualTo(7);
        assertThatThrownBy(() -> SpeedStats.percentile(latencies, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNotReorderTheCallersSamples() {
        double[] samples = {3, 1, 2};
        SpeedStats.median(samples);
        assertThat(samples).containsExactly(3, 1, 2);
    }

    @Test
    void shouldRefuseMedianOfNothing() {
        assertThatThrownBy(() -> SpeedStats.median(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldComputeSpeedupAsRatioOfMedians() {
        double full = SpeedStats.median(new double[] {100, 98, 102});
        double skeleton = SpeedStats.median(new double[] {150, 160, 149});

        assertThat(SpeedStats.speedup(skeleton, full)).isCloseTo(1.5, within(1e-12));
        assertThat(SpeedStats.speedup(full, full)).isEqualTo(1.0);
    }

    @Test
    void shouldPairSpeedupWithinEachRepetitionSoASlowPhaseDividesOut() {
        // the second repetition ran in a slow phase of the machine: both variants lost half their speed
        double[] full = {100, 50, 102};
        double[] skeleton = {170, 85, 172};

        assertThat(SpeedStats.pairedSpeedup(skeleton, full)).isCloseTo(1.7, within(1e-12));
    }

    @Test
    void shouldRefusePairedSpeedupOfUnequalCounts() {
        assertThatThrownBy(() -> SpeedStats.pairedSpeedup(new double[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseSpeedupOverZeroThroughput() {
        assertThatThrownBy(() -> SpeedStats.speedup(10, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldConvertSequencesAndNanosToSequencesPerSecond() {
        assertThat(SpeedStats.seqPerSecond(64, 500_000_000L)).isEqualTo(128.0);
    }

    @Test
    void shouldSizeTimingsToTheTargetDuration() {
        assertThat(SpeedStats.batchesFor(1.5, 0.1)).isEqualTo(15);
        assertThat(SpeedStats.batchesFor(1.5, 0.4)).isEqualTo(4);
        assertThat(SpeedStats.batchesFor(1.5, 3.0)).as("at least one batch").isEqualTo(1);
        assertThat(SpeedStats.batchesFor(1.5, 0.0)).isEqualTo(1);
    }
}
