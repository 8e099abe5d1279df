package dev.skeleton.builder.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LengthBatchesTest {

    /** 1,000 examples of 3-120 tokens, as mixed as SST-2's phrases. */
    private static final int[] LENGTHS = new Random(3).ints(1000, 3, 121).toArray();

    @Test
    void shouldUseEveryExampleOnceInAsManyBatchesAsPlainBatching() {
        List<List<Integer>> batches = LengthBatches.shuffledGroups(LENGTHS, 32, new Random(7));

        assertThat(batches).hasSize((LENGTHS.length + 31) / 32);
        assertThat(batches.stream().flatMap(List::stream).sorted().toList())
                .isEqualTo(IntStream.range(0, LENGTHS.length).boxed().toList());
        assertThat(batches.stream().filter(b -> b.size() < 32).count()).as("partial batches").isLessThanOrEqualTo(1);
    }

    @Test
    void shouldPadFarLessThanBatchesOfRandomExamples() {
        List<Integer> shuffled = new ArrayList<>(IntStream.range(0, LENGTHS.length).boxed().toList());
        Collections.shuffle(shuffled, new Random(7));
        List<List<Integer>> random = new ArrayList<>();
        for (int start = 0; start < shuffled.size(); start += 32) {
            random.add(shuffled.subList(start, Math.min(shuffled.size(), start + 32)));
        }

        long grouped = paddedTokens(LengthBatches.shuffledGroups(LENGTHS, 32, new Random(7)));

        assertThat((double) grouped / paddedTokens(random)).isLessThan(0.7);
    }

    @Test
    void shouldKeepBatchesRandomFromOneEpochToTheNext() {
        Random random = new Random(7);
        List<List<Integer>> first = LengthBatches.shuffledGroups(LENGTHS, 32, random);
        List<List<Integer>> second = LengthBatches.shuffledGroups(LENGTHS, 32, random);

        assertThat(second).isNotEqualTo(first);
        assertThat(second.get(0)).isNotEqualTo(first.get(0));
    }

    @Test
    void shouldSortShortestFirstKeepingTiesInInputOrder() {
        assertThat(LengthBatches.shortestFirst(new int[] {5, 2, 9, 2, 5})).containsExactly(1, 3, 0, 4, 2);
    }

    private static long paddedTokens(List<List<Integer>> batches) {
        return batches.stream()
                .mapToLong(b -> (long) b.size() * b.stream().mapToInt(i -> LENGTHS[i]).max().orElse(0)).sum();
    }
}
