package dev.skeleton.builder.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CandidateTrainerTest {

    @Test
    void shouldJudgeATrendOnlyAfterTwoRounds() {
        assertThat(CandidateTrainer.mayDrop(1, false, false)).isFalse();
        assertThat(CandidateTrainer.mayDrop(2, false, false)).isTrue();
    }

    @Test
    void shouldNotDropAHalvingTrialBeforeARoundAtALoweredRate() {
        assertThat(CandidateTrainer.mayDrop(2, true, false)).isFalse();
        assertThat(CandidateTrainer.mayDrop(5, true, false)).isFalse();
        assertThat(CandidateTrainer.mayDrop(3, true, true)).isTrue();
        assertThat(CandidateTrainer.mayDrop(1, true, true)).isFalse();
    }
}
