package dev.skeleton.builder.search;

import dev.skeleton.builder.train.Evaluation;
import dev.skeleton.builder.train.GlueMetric;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * An estimate of a trial's best round that the choice of that round did not see: cross-fitting over the two halves
 * of the validation split. A trial keeps its best of many rounds, and that round's own validation figure is the
 * maximum of many noisy measurements on the same examples: optimistic, the more so the more rounds it had (on
 * SST-2 a shape that climbed for 14 rounds scored +0.10 against the prompt on validation and -1.72 on dev, where
 * the prompt itself moved by 0.36, 2026-12-07). Here each half of the split (stratified by label) picks its own
 * best round, and each example is scored by the round the <em>other</em> half picked, so no example judges a round
 * it helped choose. Every round is already scored on the whole split, so this costs no extra inference.
 */
final class HeldOutBest {

    private final GlueMetric metric;
    private final int[] gold;
    private final int[][] halfIndices;
    private final double[] bestOnHalf = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
    private final int[][] pickedByHalf = new int[2][];

    /** @param gold the validation split's gold labels, in the order every offered prediction follows */
    HeldOutBest(GlueMetric metric, int[] gold) {
        if (gold.length < 2) {
            throw new IllegalArgumentException("need at least 2 validation examples to split in halves, got "
                    + gold.length);
        }
        this.metric = metric;
        this.gold = gold.clone();
        this.halfIndices = halves(gold);
    }

    /** Offers one round's predictions on the whole split: each half keeps them when they are its best yet. */
    void offer(int[] predicted) {
        if (predicted.length != gold.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + gold.length + " examples");
        }
        for (int h = 0; h < 2; h++) {
            double value = metric.compute(select(predicted, halfIndices[h]), select(gold, halfIndices[h]));
            if (pickedByHalf[h] == null || value > bestOnHalf[h]) {
                bestOnHalf[h] = value;
                pickedByHalf[h] = predicted.clone();
            }
        }
    }

    /**
     * The metric over the whole split of the cross-fitted predictions (each example predicted by the round the other
     * half picked), with those predictions, for a paired comparison with the prompt.
     */
    Evaluation estimate() {
        if (pickedByHalf[0] == null) {
            throw new IllegalStateException("no round offered yet");
        }
        int[] crossFitted = new int[gold.length];
        for (int h = 0; h < 2; h++) {
            for (int i : halfIndices[h]) {
                crossFitted[i] = pickedByHalf[1 - h][i];
            }
        }
        return new Evaluation(metric.compute(crossFitted, gold), crossFitted);
    }

    /**
     * The example indices of each half, each in ascending order: the examples sorted by label (stably) go to the
     * halves in turn, so each label is split evenly and the halves differ in size by at most one.
     */
    static int[][] halves(int[] gold) {
        int[] byLabel = IntStream.range(0, gold.length).boxed()
                .sorted(Comparator.comparingInt(i -> gold[i])).mapToInt(Integer::intValue).toArray();
        boolean[] first = new boolean[gold.length];
        for (int k = 0; k < byLabel.length; k += 2) {
            first[byLabel[k]] = true;
        }
        return new int[][] {
            IntStream.range(0, gold.length).filter(i -> first[i]).toArray(),
            IntStream.range(0, gold.length).filter(i -> !first[i]).toArray()};
    }

    private static int[] select(int[] values, int[] indices) {
        int[] out = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            out[k] = values[indices[k]];
        }
        return out;
    }
}
