package dev.skeleton.builder.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Cuts examples into batches of similar token length. Every batch is padded to its longest encoder row, so a
 * batch of random examples computes many padding tokens; grouped by length it computes few, and an epoch runs
 * in about 0.6-0.8 of the time (estimated from the data sets' lengths: SST-2 phrases 0.6, question type 0.78).
 *
 * <p>Training keeps most of its randomness, as Hugging Face's {@code group_by_length} sampler does: the examples
 * are shuffled, each run of {@link #GROUP_BATCHES} batches' worth is sorted by length and cut into batches, and
 * the batches are shuffled again. Scoring (no gradient, or gradients summed over all examples) simply sorts.
 */
final class LengthBatches {

    /** Batches' worth of shuffled examples sorted together: more pads less, fewer keeps batches more random. */
    static final int GROUP_BATCHES = 8;

    private LengthBatches() {}

    /**
     * One epoch's batches of indices into {@code lengths}: each index once, every batch full but possibly the
     * last of the last group, as many batches as plain batching makes.
     *
     * @param lengths the tokens of each example's longest encoder row
     */
    static List<List<Integer>> shuffledGroups(int[] lengths, int batchSize, Random random) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, lengths.length).boxed().toList());
        Collections.shuffle(order, random);
        int group = batchSize * GROUP_BATCHES;
        List<List<Integer>> batches = new ArrayList<>();
        for (int start = 0; start < order.size(); start += group) {
            List<Integer> sorted = new ArrayList<>(order.subList(start, Math.min(order.size(), start + group)));
            sorted.sort(Comparator.comparingInt(i -> lengths[i]));
            for (int b = 0; b < sorted.size(); b += batchSize) {
                batches.add(List.copyOf(sorted.subList(b, Math.min(sorted.size(), b + batchSize))));
            }
        }
        Collections.shuffle(batches, random);
        return batches;
    }

    /** Indices into {@code lengths}, shortest first (ties in input order). */
    static int[] shortestFirst(int[] lengths) {
        return IntStream.range(0, lengths.length).boxed().sorted(Comparator.comparingInt(i -> lengths[i]))
                .mapToInt(Integer::intValue).toArray();
    }
}
