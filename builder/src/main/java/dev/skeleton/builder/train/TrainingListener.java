package dev.skeleton.builder.train;

/** Hears how training goes: per step for a progress bar, per epoch for the log. */
public interface TrainingListener {

    /** After each optimizer step; {@code step} counts from 1 to {@code totalSteps} over all epochs. */
    void step(String phase, int step, int totalSteps, double loss);

    /**
     * After each epoch, with the mean training loss and the held-out metric and loss (NaN when there is no
     * held-out set, or the loss was not measured); epoch 0 reports a measurement before any training.
     */
    void epoch(String phase, int epoch, int epochs, double meanLoss, double devMetric, double devLoss);

    TrainingListener SILENT = new TrainingListener() {
        @Override
        public void step(String phase, int step, int totalSteps, double loss) {}

        @Override
        public void epoch(String phase, int epoch, int epochs, double meanLoss, double devMetric, double devLoss) {}
    };
}
