package dev.skeleton.builder.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Holds a validation split out of the training data: every choice a build makes (which skeleton ships, whether
 * the task learned) is made on it, never on the dev file, so the dev figures a report shows are not selected
 * on. Stratified (each label keeps its share, at least one example per label that has two) and seeded.
 *
 * @param train      the examples left for training, in a seeded shuffled order
 * @param validation the held-out examples
 */
public record ValidationSplit(List<LabeledExample> train, List<LabeledExample> validation) {

    public ValidationSplit {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
    }

    /**
     * Splits {@code all}: the validation part holds {@code fraction} of the examples, at least {@code min} and at
     * most {@code max}, and never more than half.
     */
    public static ValidationSplit of(List<LabeledExample> all, double fraction, int min, int max, long seed) {
        if (!(fraction > 0 && fraction < 1) || min < 1 || max < min) {
            throw new IllegalArgumentException("validation fraction " + fraction + " must be in (0, 1) and 1 <= min "
                    + min + " <= max " + max);
        }
        if (all.size() < 4) {
            throw new IllegalArgumentException("need at least 4 training examples to hold some out, got " + all.size());
        }
        int size = Math.min(all.size() / 2, Math.min(max, Math.max(min, (int) Math.round(fraction * all.size()))));
        Random random = new Random(seed);
        int labels = all.stream().mapToInt(LabeledExample::label).max().orElse(0) + 1;
        List<List<LabeledExample>> byLabel = new ArrayList<>();
        for (int k = 0; k < labels; k++) {
            byLabel.add(new ArrayList<>());
        }
        all.forEach(e -> byLabel.get(e.label()).add(e));
        // largest remainder: each label gets its share rounded so that the shares add up to the size exactly
        int[] take = new int[labels];
        double[] remainder = new double[labels];
        int taken = 0;
        for (int k = 0; k < labels; k++) {
            double exact = (double) size * byLabel.get(k).size() / all.size();
            take[k] = (int) exact;
            remainder[k] = exact - take[k];
            taken += take[k];
        }
        for (; taken < size; taken++) {
            int best = 0;
            for (int k = 1; k < labels; k++) {
                if (remainder[k] > remainder[best]) {
                    best = k;
                }
            }
            take[best]++;
            remainder[best] = -1;
        }
        List<LabeledExample> train = new ArrayList<>();
        List<LabeledExample> validation = new ArrayList<>();
        for (int k = 0; k < labels; k++) {
            List<LabeledExample> group = byLabel.get(k);
            Collections.shuffle(group, random);
            int n = take[k] == 0 && group.size() >= 2 ? 1 : take[k];
            validation.addAll(group.subList(0, n));
            train.addAll(group.subList(n, group.size()));
        }
        Collections.shuffle(train, random);
        Collections.shuffle(validation, random);
        return new ValidationSplit(train, validation);
    }
}
