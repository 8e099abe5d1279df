package dev.skeleton.builder.train;

/** The GLUE metric of a task: accuracy, F1 of label 1 (MRPC) or Matthews correlation (CoLA). */
public enum GlueMetric {
    ACCURACY("accuracy"),
    F1("f1"),
    MATTHEWS("matthews_corr");

    private final String key;

    GlueMetric(String key) {
        this.key = key;
    }

    /** Name used in reports and JSON, e.g. {@code accuracy}. */
    public String key() {
        return key;
    }

    /** The metric GLUE reports for a task id; accuracy unless the task is MRPC or CoLA. */
    public static GlueMetric forTask(String taskId) {
        return switch (taskId) {
            case "mrpc" -> F1;
            case "cola" -> MATTHEWS;
            default -> ACCURACY;
        };
    }

    /**
     * The standard error of this metric near chance on {@code n} examples, as a fraction: a fair coin's accuracy
     * ({@code 0.5 / sqrt(n)}) for accuracy and F1, a correlation's ({@code 1 / sqrt(n)}) for Matthews. How far two
     * measurements on one small validation split can differ by luck.
     */
    public double chanceStandardError(int n) {
        return (this == MATTHEWS ? 1 : 0.5) / Math.sqrt(n);
    }

    /** The metric of {@code predicted} against {@code gold}, as a fraction (not percent). */
    public double compute(int[] predicted, int[] gold) {
        if (predicted.length != gold.length || gold.length == 0) {
            throw new IllegalArgumentException("need equal, non-zero counts of predictions and gold labels");
        }
        long tp = 0;
        long tn = 0;
        long fp = 0;
        long fn = 0;
        long correct = 0;
        for (int i = 0; i < gold.length; i++) {
            if (predicted[i] == gold[i]) {
                correct++;
            }
            boolean p = predicted[i] == 1;
            boolean g = gold[i] == 1;
            if (p && g) {
                tp++;
            } else if (p) {
                fp++;
            } else if (g) {
                fn++;
            } else {
                tn++;
            }
        }
        return switch (this) {
            case ACCURACY -> (double) correct / gold.length;
            case F1 -> tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
            case MATTHEWS -> {
                double denominator = Math.sqrt((double) (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
                yield denominator == 0 ? 0 : (tp * tn - fp * fn) / denominator;
            }
        };
    }
}
