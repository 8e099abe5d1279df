package dev.skeleton.builder.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Prompt-tuning hyper-parameters.
 *
 * @param epochs       passes over the training examples, >= 1
 * @param learningRate peak AdamW learning rate (linear warm-up over the first 6% of steps, then linear decay)
 * @param batchSize    examples per step, >= 1
 * @param weightDecay  AdamW decoupled weight decay
 * @param seed         shuffling and initialisation seed
 */
public record TrainingOptions(int epochs, float learningRate, int batchSize, float weightDecay, long seed) {

    public TrainingOptions {
        List<String> problems = new ArrayList<>();
        if (epochs < 1) {
            problems.add("epochs=" + epochs + " must be >= 1");
        }
        if (!(learningRate > 0)) {
            problems.add("learning rate " + learningRate + " must be > 0");
        }
        if (batchSize < 1) {
            problems.add("batch size " + batchSize + " must be >= 1");
        }
        if (weightDecay < 0) {
            problems.add("weight decay " + weightDecay + " must be >= 0");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid training options: " + String.join("; ", problems));
        }
    }

    public TrainingOptions withEpochs(int newEpochs) {
        return new TrainingOptions(newEpochs, learningRate, batchSize, weightDecay, seed);
    }

    public TrainingOptions withLearningRate(float newLearningRate) {
        return new TrainingOptions(epochs, newLearningRate, batchSize, weightDecay, seed);
    }
}
