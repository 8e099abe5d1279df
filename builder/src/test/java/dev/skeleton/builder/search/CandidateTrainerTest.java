package dev.skeleton.builder.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CandidateTrainerTest {

    @Test
    void shouldJudgeATrendOnlyOnceAFullWindowOfRoundsIsAveraged() {
        assertThat(CandidateTrainer.minRounds(3)).as("round 4 is the first mean of 3 rounds after the first")
                .isEqualTo(4);
        assertThat(CandidateTrainer.minRounds(1)).as("no averaging: a trend needs two rounds").isEqualTo(2);
        assertThat(CandidateTrainer.mayDrop(3, 4, false, false)).isFalse();
        assertThat(CandidateTrainer.mayDrop(4, 4, false, false)).isTrue();
        assertThat(CandidateTrainer.mayDrop(1, 2, false, false)).isFalse();
        assertThat(CandidateTrainer.mayDrop(2, 2, false, false)).isTrue();
    }

    @Test
    void shouldNotDropAHalvingTrialBeforeARoundAtALoweredRate() {
        assertThat(CandidateTrainer.mayDrop(2, 2, true, false)).isFalse();
        assertThat(CandidateTrainer.mayDrop(5, 2, true, false)).isFalse();
        assertThat(CandidateTrainer.mayDrop(3, 2, true, true)).isTrue();
        assertThat(CandidateTrainer.mayDrop(1, 2, true, true)).isFalse();
    }
}
