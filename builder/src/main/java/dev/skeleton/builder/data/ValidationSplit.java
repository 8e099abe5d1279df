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
 * <p>Leak-free: a validation example is one that no other example of the file contains (as whole words), and
 * every example it contains is left out of training. Otherwise a data set of phrases (SST-2's training file holds
 * the phrases of its sentences) puts parts of each validation example in training, and a validation split of
 * short phrases flatters every candidate: on SST-2, skeletons within the budget on such a split lost 2.5-3.3 points
 * more on dev than on validation; on a split of whole sentences with their phrases left out of training, 0.1-1.4
 * (README, "The budget search").
 *
 * @param train      the examples left for training, in a seeded shuffled order
 * @param validation the held-out examples
 * @param leftOut    examples left out of training because a validation example contains them
 */
public record ValidationSplit(List<LabeledExample> train, List<LabeledExample> validation, int leftOut) {

    public ValidationSplit {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
    }

    /** A split given as such (a validation file): nothing left out. */
    public ValidationSplit(List<LabeledExample> train, List<LabeledExample> validation) {
        this(train, validation, 0);
    }

    /**
     * Splits {@code all}, of which the build uses {@code use} examples (0: all), validation included: the validation
     * part holds {@code fraction} of them, at least {@code min} and at most {@code max}, and never more than half; the
     * training part is a seeded sample of the rest, less what the validation examples contain.
     */
    public static ValidationSplit of(List<LabeledExample> all, int use, double fraction, int min, int max,
            long seed) {
        if (!(fraction > 0 && fraction < 1) || min < 1 || max < min || use < 0) {
            throw new IllegalArgumentException("validation fraction " + fraction + " must be in (0, 1), 1 <= min "
                    + min + " <= max " + max + " and examples to use " + use + " >= 0");
        }
        int used = use == 0 ? all.size() : Math.min(use, all.size());
        if (used < 4) {
            throw new IllegalArgumentException("need at least 4 training examples to hold some out, got " + used);
        }
        int size = Math.min(used / 2, Math.min(max, Math.max(min, (int) Math.round(fraction * used))));
        Random random = new Random(seed);
        int labels = all.stream().mapToInt(LabeledExample::label).max().orElse(0) + 1;
        List<List<LabeledExample>> byLabel = new ArrayList<>();
        for (int k = 0; k < labels; k++) {
            byLabel.add(new ArrayList<>());
        }
        all.forEach(e -> byLabel.get(e.label()).add(e));
        int[] take = shares(byLabel, all.size(), size);
        TextOverlap everything = new TextOverlap(all);
        List<LabeledExample> validation = new ArrayList<>();
        List<LabeledExample> rest = new ArrayList<>();
        for (int k = 0; k < labels; k++) {
            List<LabeledExample> group = byLabel.get(k);
            Collections.shuffle(group, random);
            int n = take[k] == 0 && group.size() >= 2 ? 1 : take[k];
            for (LabeledExample e : group) {
                if (n > 0 && everything.standalone(e.input())) {
                    validation.add(e);
                    n--;
                } else {
                    rest.add(e);
                }
            }
        }
        TextOverlap held = new TextOverlap(validation);
        List<LabeledExample> train = new ArrayList<>(rest.stream().filter(e -> !held.contains(e.input())).toList());
        int leftOut = rest.size() - train.size();
        Collections.shuffle(train, random);
        Collections.shuffle(validation, random);
        return new ValidationSplit(train.subList(0, Math.min(train.size(), used - validation.size())), validation,
                leftOut);
    }

    /** Each label's share of {@code size}, by largest remainder, so that the shares add up to the size exactly. */
    private static int[] shares(List<List<LabeledExample>> byLabel, int total, int size) {
        int labels = byLabel.size();
        int[] take = new int[labels];
        double[] remainder = new double[labels];
        int taken = 0;
        for (int k = 0; k < labels; k++) {
            double exact = (double) size * byLabel.get(k).size() / total;
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
        return take;
    }
}
