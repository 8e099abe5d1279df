package dev.skeleton.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.engine.text.TokenizedText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {

    private static List<TokenizedText> lengths(int... lengths) {
        List<TokenizedText> texts = new ArrayList<>();
        for (int n : lengths) {
            texts.add(new TokenizedText(new long[n], new long[n], false));
        }
        return texts;
    }

    @Test
    void shouldCoverEveryInputExactlyOnce() {
        Random random = new Random(1);
        int[] lengths = random.ints(100, 3, 70).toArray();

        List<int[]> runs = BatchPlanner.plan(lengths(lengths), 1, 64);

        int[] covered = runs.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertThat(covered).containsExactly(IntStream.range(0, 100).toArray());
    }

    @Test
    void shouldKeepPaddingWithinTheBoundOfEachRun() {
        Random random = new Random(2);
        List<TokenizedText> texts = lengths(random.ints(200, 3, 70).toArray());

        for (int[] run : BatchPlanner.plan(texts, 1, 64)) {
            long real = Arrays.stream(run).mapToLong(i -> texts.get(i).length()).sum();
            long padded = (long) Arrays.stream(run).map(i -> texts.get(i).length()).max().orElseThrow() * run.length;
            if (run.length > 1) {
                assertThat(padded - real).as("padding of run %s", Arrays.toString(run))
                        .isLessThanOrEqualTo((long) Math.ceil(BatchPlanner.MAX_PADDING * real));
            }
        }
    }

    @Test
    void shouldGroupEqualLengthsIntoRunsOfAtMostMaxRun() {
        List<int[]> runs = BatchPlanner.plan(lengths(new int[10]), 1, 4);

        assertThat(runs).extracting(r -> r.length).containsExactly(4, 4, 2);
    }

    @Test
    void shouldSeparateVeryDifferentLengths() {
        List<int[]> runs = BatchPlanner.plan(lengths(60, 5, 61, 6), 1, 64);

        assertThat(runs).hasSize(2);
        assertThat(runs.get(0)).containsExactly(1, 3);
        assertThat(runs.get(1)).containsExactly(0, 2);
    }

    @Test
    void shouldKeepTheRowsOfASiameseInputTogetherAndSortByTheLongerOne() {
        // Given two rows per input, inputs of longest rows 60, 7, 61 (its first row is 57) and 8
        List<int[]> runs = BatchPlanner.plan(lengths(60, 58, 7, 7, 57, 61, 8, 8), 2, 64);

        // Then runs are of inputs, grouped by their longer row
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0)).containsExactly(1, 3);
        assertThat(runs.get(1)).containsExactly(0, 2);
        assertThat(BatchPlanner.paddedTokens(lengths(60, 58, 7, 7, 57, 61, 8, 8), 2, 64))
                .as("each run's rows padded to its longest row").isEqualTo(8L * 4 + 61L * 4);
    }

    @Test
    void shouldBatchSiameseInputsWhoseTextIsMuchShorterThanItsPair() {
        // Given 32 question/answer pairs: questions of 12 tokens, answers of 40
        int[] rows = new int[64];
        for (int i = 0; i < 32; i++) {
            rows[2 * i] = 12;
            rows[2 * i + 1] = 40;
        }

        // Then the padding every pair needs anyway (its question to its answer's length) does not cut the runs
        assertThat(BatchPlanner.plan(lengths(rows), 2, 64)).hasSize(1);
    }

    @Test
    void shouldCountTheMaximumRunInRows() {
        List<int[]> runs = BatchPlanner.plan(lengths(new int[12]), 2, 4);

        assertThat(runs).hasSize(3).allSatisfy(run -> assertThat(run).hasSize(2));
    }

    @Test
    void shouldPlanNothingForAnEmptyBatch() {
        assertThat(BatchPlanner.plan(List.of(), 1, 64)).isEmpty();
    }
}
