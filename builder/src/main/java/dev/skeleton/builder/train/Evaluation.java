package dev.skeleton.builder.train;

/**
 * A metric measured on a list of examples, with the predictions it was computed from, so that two models
 * measured on the same examples can be compared example by example ({@link PairedBootstrap}).
 *
 * @param value     the metric, as a fraction (NaN when nothing was measured)
 * @param predicted the predicted label index of each example, in order (empty when nothing was measured)
 */
public record Evaluation(double value, int[] predicted) {

    /** Nothing measured: no held-out examples. */
    public static final Evaluation NONE = new Evaluation(Double.NaN, new int[0]);
}
