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

        List<int[]> runs = BatchPlanner.plan(lengths(lengths), 64);

        int[] covered = runs.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertThat(covered).containsExactly(IntStream.range(0, 100).toArray());
    }

    @Test
    void shouldKeepPaddingWithinTheBoundOfEachRun() {
        Random random = new Random(2);
        List<TokenizedText> texts = lengths(random.ints(200, 3, 70).toArray());

        for (int[] run : BatchPlanner.plan(texts, 64)) {
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
        List<int[]> runs = BatchPlanner.plan(lengths(new int[10]), 4);

        assertThat(runs).extracting(r -> r.length).containsExactly(4, 4, 2);
    }

    @Test
    void shouldSeparateVeryDifferentLengths() {
        List<int[]> runs = BatchPlanner.plan(lengths(60, 5, 61, 6), 64);

        assertThat(runs).hasSize(2);
        assertThat(runs.get(0)).containsExactly(1, 3);
        assertThat(runs.get(1)).containsExactly(0, 2);
    }

    @Test
    void shouldPlanTheTextAndThePairOfASiameseInputApart() {
        // Given 32 question/answer pairs as rows (text, pair, text, pair, ...): questions of 12 tokens, answers of 40
        int[] rows = new int[64];
        for (int i = 0; i < 32; i++) {
            rows[2 * i] = 12;
            rows[2 * i + 1] = 40;
        }

        // Then the questions run together and the answers together, none padded to the other's length
        List<int[]> runs = BatchPlanner.plan(lengths(rows), 64);
        assertThat(runs).hasSize(2);
        assertThat(Arrays.stream(runs.get(0)).map(row -> row % 2)).as("the first run's rows: all questions")
                .containsOnly(0);
        assertThat(BatchPlanner.paddedTokens(lengths(rows), 64)).isEqualTo(32L * 12 + 32L * 40);
    }

    @Test
    void shouldPlanNothingForAnEmptyBatch() {
        assertThat(BatchPlanner.plan(List.of(), 64)).isEmpty();
    }
}
