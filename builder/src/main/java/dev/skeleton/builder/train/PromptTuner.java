package dev.skeleton.builder.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.skeleton.avro.Pooling;
import dev.skeleton.builder.data.LabeledExample;
import dev.skeleton.builder.torch.Gates;
import dev.skeleton.builder.torch.TaskParameters;
import dev.skeleton.builder.torch.TorchEncoder;
import dev.skeleton.builder.torch.TorchLayer;
import dev.skeleton.engine.text.EncodedBatch;
import dev.skeleton.engine.text.TaskTokenizer;
import dev.skeleton.engine.text.TokenizedText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Prompt tuning: trains the soft prompt and the head with cross-entropy and AdamW while the encoder stays
 * frozen. The same loop re-tunes a skeleton (pass its sliced layers), optionally distilling a teacher's
 * predictions ({@link Targets}). Also predicts and computes the loss for attribution, so the forward pass
 * lives in one place.
 */
public final class PromptTuner {

    private final TorchEncoder encoder;
    private final TaskTokenizer tokenizer;
    private final Pooling pooling;
    private final int labels;

    public PromptTuner(TorchEncoder encoder, TaskTokenizer tokenizer, Pooling pooling, int labels) {
        this.encoder = encoder;
        this.tokenizer = tokenizer;
        this.pooling = pooling;
        this.labels = labels;
    }

    /**
     * Trains {@code params} in place on {@code train} with the gold labels as targets; after each epoch measures
     * {@code metric} on {@code dev} (skipped when dev is empty). Returns the dev evaluation of the last epoch.
     *
     * @throws TrainingDivergedException when more than one step of an epoch, and more than a tenth, had a
     *                                   non-finite loss or gradient
     */
    public Evaluation train(String phase, TaskParameters params, List<TorchLayer> layers, List<LabeledExample> train,
            List<LabeledExample> dev, GlueMetric metric, TrainingOptions options, TrainingListener listener) {
        return train(phase, params, layers, train, Targets.GOLD, dev, metric, options, listener);
    }

    /**
     * As {@link #train(String, TaskParameters, List, List, List, GlueMetric, TrainingOptions, TrainingListener)},
     * pulling predictions towards {@code targets}.
     */
    public Evaluation train(String phase, TaskParameters params, List<TorchLayer> layers, List<LabeledExample> train,
            Targets targets, List<LabeledExample> dev, GlueMetric metric, TrainingOptions options,
            TrainingListener listener) {
        return tune(phase, params, layers, train, targets, dev, metric, options, Double.POSITIVE_INFINITY, false,
                listener).validation();
    }

    /**
     * As {@link #train(String, TaskParameters, List, List, List, GlueMetric, TrainingOptions, TrainingListener)}
     * for at most {@code options.epochs()} epochs, and fewer when they would not all end within {@code seconds}:
     * after each epoch the plan shrinks to the epochs the time left fits at the mean epoch's pace, and the rate's
     * decay is stretched or squeezed to end with the last of them, so whatever number of epochs runs ends at a
     * learning rate of zero. The first epoch always runs.
     *
     * <p>It also stops early on {@code dev}: after the first epoch whose loss on {@code dev} is not below the lowest
     * of the epochs before, one more epoch runs, its rate decaying to zero, and that is the last. A rising held-out
     * loss is the first sign of over-fitting, and it is smoother than the metric, which moves in steps of one
     * example; the closing epoch at a falling rate settles the prompt where a cut at full rate would not. (Measured
     * on validation splits: question type's loss was lowest after 3 of 10 epochs and book's after 6.)
     */
    public Tuned tune(String phase, TaskParameters params, List<TorchLayer> layers, List<LabeledExample> train,
            List<LabeledExample> dev, GlueMetric metric, TrainingOptions options, double seconds,
            TrainingListener listener) {
        return tune(phase, params, layers, train, Targets.GOLD, dev, metric, options, seconds, !dev.isEmpty(),
                listener);
    }

    /** Why {@link #tune} ran the epochs it ran. */
    public enum Ending {
        /** All the epochs asked for ran. */
        ALL_EPOCHS,
        /** The epochs asked for would not have ended within the time given. */
        TIME,
        /** The held-out loss stopped falling, and one closing epoch ran. */
        VALIDATION_LOSS
    }

    /**
     * What {@link #tune} did.
     *
     * @param validation the metric of the last epoch on the data it was given to evaluate
     * @param epochs     epochs run
     * @param curve      that metric after each epoch, in order (empty when nothing was evaluated)
     * @param lossCurve  the mean cross-entropy on that data after each epoch, in order
     * @param ending     why no more epochs ran
     */
    public record Tuned(Evaluation validation, int epochs, List<Double> curve, List<Double> lossCurve,
            Ending ending) {

        public Tuned {
            curve = List.copyOf(curve);
            lossCurve = List.copyOf(lossCurve);
        }
    }

    private Tuned tune(String phase, TaskParameters params, List<TorchLayer> layers, List<LabeledExample> train,
            Targets targets, List<LabeledExample> dev, GlueMetric metric, TrainingOptions options, double seconds,
            boolean stopOnValidationLoss, TrainingListener listener) {
        long started = System.nanoTime();
        AdamW optimizer = new AdamW(params.trainable(), options.weightDecay());
        int stepsPerEpoch = (train.size() + options.batchSize() - 1) / options.batchSize();
        int epochs = options.epochs();
        LearningRateSchedule schedule = new LearningRateSchedule(options.learningRate(), stepsPerEpoch * epochs,
                stepsPerEpoch);
        Random random = new Random(options.seed());
        List<TokenizedText> rows = tokenize(train);
        int[] lengths = longestRows(rows);
        Evaluation devEvaluation = Evaluation.NONE;
        List<Double> curve = new ArrayList<>();
        List<Double> lossCurve = new ArrayList<>();
        Ending ending = Ending.ALL_EPOCHS;
        int step = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            double lossSum = 0;
            int counted = 0;
            int skipped = 0;
            for (List<Integer> indices : LengthBatches.shuffledGroups(lengths, options.batchSize(), random)) {
                List<LabeledExample> batch = indices.stream().map(train::get).toList();
                double loss = trainStep(params, layers, batch, encode(rows, indices), targets);
                step++;
                if (Double.isFinite(loss) && optimizer.gradientsFinite()) {
                    optimizer.step(schedule.rate(step));
                    lossSum += loss * batch.size();
                    counted += batch.size();
                } else {
                    // a non-finite loss or gradient would poison every parameter: drop the step, like mixed
                    // precision's loss scaler does, and give up only if it keeps happening
                    optimizer.zeroGradients();
                    skipped++;
                }
                listener.step(phase, step, schedule.totalSteps(), loss);
            }
            // one dropped step is tolerated even in a tiny epoch; more than a tenth of them is divergence
            if (skipped > Math.max(1, stepsPerEpoch / 10)) {
                throw new TrainingDivergedException(phase + " diverged: " + skipped + " of " + stepsPerEpoch
                        + " steps of epoch "
                        + epoch + " had a non-finite loss or gradient; lower --learning-rate");
            }
            if (!dev.isEmpty()) {
                devEvaluation = score(params, layers, dev, metric);
                curve.add(devEvaluation.value());
                lossCurve.add(devEvaluation.loss());
            }
            double elapsed = (System.nanoTime() - started) / 1e9;
            int fitting = epoch + (int) Math.min(epochs, Math.max(0, seconds - elapsed) / (elapsed / epoch));
            if (fitting < epochs) {
                epochs = fitting;
                ending = Ending.TIME;
                schedule.endAt(step, stepsPerEpoch * epochs);
            }
            if (stopOnValidationLoss && epoch + 1 < epochs && lossStoppedFalling(lossCurve)) {
                epochs = epoch + 1;
                ending = Ending.VALIDATION_LOSS;
                schedule.endAt(step, stepsPerEpoch * epochs);
            }
            listener.epoch(phase, epoch, epochs, counted == 0 ? Double.NaN : lossSum / counted,
                    devEvaluation.value(), devEvaluation.loss());
        }
        return new Tuned(devEvaluation, epochs, curve, lossCurve, ending);
    }

    /** Whether the last loss is not below the lowest before it (a NaN loss never counts as one). */
    static boolean lossStoppedFalling(List<Double> losses) {
        int last = losses.size() - 1;
        return last > 0 && losses.subList(0, last).stream().mapToDouble(Double::doubleValue).min()
                .orElse(Double.NaN) <= losses.get(last);
    }

    private double trainStep(TaskParameters params, List<TorchLayer> layers, List<LabeledExample> batch,
            EncodedBatch encoded, Targets targets) {
        try (NDManager step = params.prompt().getManager().newSubManager();
                GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray loss = loss(step, params, layers, batch, encoded, targets, null);
            collector.backward(loss);
            return loss.getFloat();
        }
    }

    /**
     * Mean cross-entropy of {@code batch}; with {@code gates}, the gates take part so a backward pass fills
     * their gradients (attribution).
     */
    public NDArray loss(NDManager step, TaskParameters params, List<TorchLayer> layers, List<LabeledExample> batch,
            Gates gates) {
        EncodedBatch encoded = tokenizer.encode(batch.stream().map(LabeledExample::input).toList());
        return loss(step, params, layers, batch, encoded, Targets.GOLD, gates);
    }

    private NDArray loss(NDManager step, TaskParameters params, List<TorchLayer> layers, List<LabeledExample> batch,
            EncodedBatch encoded, Targets targets, Gates gates) {
        NDArray logits = encoder.logits(step, encoded, params, layers, pooling, tokenizer.kind(), gates);
        NDArray target = step.create(targets.of(batch, labels));
        return logits.logSoftmax(-1).mul(target).sum().neg().div(batch.size());
    }

    /** The task's metric of the predictions on {@code examples} against their gold labels, as a fraction. */
    public double evaluate(TaskParameters params, List<TorchLayer> layers, List<LabeledExample> examples,
            GlueMetric metric) {
        return score(params, layers, examples, metric).value();
    }

    /** As {@link #evaluate}, with the predictions behind the metric. */
    public Evaluation score(TaskParameters params, List<TorchLayer> layers, List<LabeledExample> examples,
            GlueMetric metric) {
        float[][] p = probabilities(params, layers, examples);
        int[] gold = gold(examples);
        double loss = 0;
        for (int i = 0; i < p.length; i++) {
            // a probability that underflowed to zero counts as the smallest float, not as an infinite loss
            loss -= Math.log(Math.max(p[i][gold[i]], Float.MIN_NORMAL));
        }
        int[] predicted = argmax(p);
        return new Evaluation(metric.compute(predicted, gold), predicted, p.length == 0 ? Double.NaN : loss / p.length);
    }

    /** Predicted label indices, in order. */
    public int[] predict(TaskParameters params, List<TorchLayer> layers, List<LabeledExample> examples) {
        return argmax(probabilities(params, layers, examples));
    }

    private static int[] argmax(float[][] p) {
        int[] predicted = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            for (int k = 1; k < p[i].length; k++) {
                if (p[i][k] > p[i][predicted[i]]) {
                    predicted[i] = k;
                }
            }
        }
        return predicted;
    }

    /**
     * Predicted label distributions (softmax of the logits), in order. Computed in batches of similar length
     * ({@link LengthBatches}): padding is masked, so the result does not depend on the batching.
     */
    public float[][] probabilities(TaskParameters params, List<TorchLayer> layers, List<LabeledExample> examples) {
        float[][] probabilities = new float[examples.size()][];
        List<TokenizedText> rows = tokenize(examples);
        int[] order = LengthBatches.shortestFirst(longestRows(rows));
        int chunk = 64;
        for (int start = 0; start < order.length; start += chunk) {
            int[] inputs = Arrays.copyOfRange(order, start, Math.min(order.length, start + chunk));
            try (NDManager step = params.prompt().getManager().newSubManager()) {
                EncodedBatch encoded = encode(rows, Arrays.stream(inputs).boxed().toList());
                float[] flat = encoder.logits(step, encoded, params, layers, pooling, tokenizer.kind(), null)
                        .softmax(-1).toFloatArray();
                for (int i = 0; i < inputs.length; i++) {
                    probabilities[inputs[i]] = Arrays.copyOfRange(flat, i * labels, (i + 1) * labels);
                }
            }
        }
        return probabilities;
    }

    /**
     * {@code examples} shortest first, for passes that sum over all examples (attribution): batches of similar
     * length pad less, and the sum does not depend on the order.
     */
    public List<LabeledExample> shortestFirst(List<LabeledExample> examples) {
        return Arrays.stream(LengthBatches.shortestFirst(longestRows(tokenize(examples)))).mapToObj(examples::get)
                .toList();
    }

    /** The encoder rows of {@code examples}, tokenized once ({@link TaskTokenizer#rowsPerInput()} per example). */
    private List<TokenizedText> tokenize(List<LabeledExample> examples) {
        return tokenizer.tokenize(examples.stream().map(LabeledExample::input).toList());
    }

    /** The rows of the examples at {@code inputs}, in that order, padded to the longest of them. */
    private EncodedBatch encode(List<TokenizedText> rows, List<Integer> inputs) {
        int perInput = tokenizer.rowsPerInput();
        List<TokenizedText> batchRows = new ArrayList<>(inputs.size() * perInput);
        for (int input : inputs) {
            batchRows.addAll(rows.subList(input * perInput, (input + 1) * perInput));
        }
        return EncodedBatch.pad(batchRows);
    }

    /** Tokens of each example's longest encoder row. */
    private int[] longestRows(List<TokenizedText> rows) {
        int perInput = tokenizer.rowsPerInput();
        int[] lengths = new int[rows.size() / perInput];
        for (int i = 0; i < rows.size(); i++) {
            lengths[i / perInput] = Math.max(lengths[i / perInput], rows.get(i).length());
        }
        return lengths;
    }

    /** The gold label index of each example, in order. */
    public static int[] gold(List<LabeledExample> examples) {
        return examples.stream().mapToInt(LabeledExample::label).toArray();
    }
}
