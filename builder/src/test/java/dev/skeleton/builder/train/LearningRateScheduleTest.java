package dev.skeleton.builder.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void shouldWarmUpThenDecayLinearlyToZeroAtTheLastStep() {
        // 3 epochs of 100 steps: warm-up over 6% of 300 steps = 18, as the fixed-epoch schedule always had
        LearningRateSchedule schedule = new LearningRateSchedule(0.01f, 300, 100);
        assertThat(schedule.rate(9)).isCloseTo(0.005f, within(1e-7f));
        assertThat(schedule.rate(18)).isCloseTo(0.01f, within(1e-7f));
        assertThat(schedule.rate(159)).isCloseTo(0.005f, within(1e-7f));
        assertThat(schedule.rate(300)).isZero();
    }

    @Test
    void shouldWarmUpForAtMostAQuarterOfAnEpochInALongPlan() {
        LearningRateSchedule schedule = new LearningRateSchedule(0.01f, 1000, 100);
        assertThat(schedule.rate(25)).isCloseTo(0.01f, within(1e-7f));
        assertThat(schedule.rate(12)).isLessThan(0.005f);
    }

    @Test
    void shouldGoOnFromTheRateReachedWhenTheEndMovesEarlier() {
        LearningRateSchedule schedule = new LearningRateSchedule(0.01f, 1000, 100);
        float before = schedule.rate(100);
        schedule.endAt(100, 300);
        assertThat(schedule.totalSteps()).isEqualTo(300);
        assertThat(schedule.rate(100)).isCloseTo(before, within(1e-7f));
        assertThat(schedule.rate(200)).isCloseTo(before / 2, within(1e-7f));
        assertThat(schedule.rate(300)).isZero();
    }

    @Test
    void shouldStopAtZeroWhenTheEndIsNow() {
        LearningRateSchedule schedule = new LearningRateSchedule(0.01f, 1000, 100);
        schedule.endAt(100, 100);
        assertThat(schedule.rate(101)).isZero();
    }
}
