package dev.skeleton.builder.train;

/**
 * A metric measured on a list of examples, with the predictions it was computed from, so that two models
 * measured on the same examples can be compared example by example ({@link PairedBootstrap}).
 *
 * @param value     the metric, as a fraction (NaN when nothing was measured)
 * @param predicted the predicted label index of each example, in order (empty when nothing was measured)
 * @param loss      mean cross-entropy of the gold labels under the predicted distributions (NaN when nothing
 *                  was measured): unlike the metric it sees how sure each prediction is, so it is the smoother
 *                  signal of over-fitting
 */
public record Evaluation(double value, int[] predicted, double loss) {

    /** Nothing measured: no held-out examples. */
    public static final Evaluation NONE = new Evaluation(Double.NaN, new int[0], Double.NaN);
}
