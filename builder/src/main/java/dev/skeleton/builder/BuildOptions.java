package dev.skeleton.builder;

import dev.skeleton.avro.InputKind;
import dev.skeleton.avro.Pooling;
import dev.skeleton.builder.data.ColumnSpec;
import dev.skeleton.builder.train.AttributionMethod;
import dev.skeleton.builder.train.Localization;
import dev.skeleton.builder.train.TrainingOptions;
import dev.skeleton.engine.skeleton.SkeletonValidator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Everything a skeleton build needs to know. {@link #asMap()} is what provenance records.
 *
 * @param taskId               task id of the skeleton
 * @param train                training data file (a validation split is held out of it for every choice)
 * @param dev                  development data file: evaluated and reported, never used to choose anything
 * @param columns              which columns hold text, pair and label
 * @param root                 project root: artifacts go to {@code root/prompts/TASK} and {@code root/skeletons/TASK}
 * @param promptLength         soft prompt rows
 * @param deepPrompt           also train an offset of the prompt positions' states before every later layer (deep
 *                             prompt tuning), not only the prompt at the embeddings
 * @param maxTokens            encoder sequence budget, prompt included
 * @param pooling              pooling of the text tokens
 * @param siamese              for a pair task, encode the text and the pair each alone through the skeleton and
 *                             classify their pooled vectors' features ({@code InputKind.SIAMESE}), instead of both
 *                             together as one sequence (cross-encoded, {@code PAIR})
 * @param ffnKeeps             candidate shares of FFN neurons kept, each in (0, 1]
 * @param headKeeps            candidate shares of attention heads kept, each in (0, 1]; the search tries their grid
 * @param maxDrop              accuracy budget: the shipped skeleton's validation metric may be at most this many
 *                             points (metric x 100) below the prompt's on the full model
 * @param noiseMargin          standard errors of the validation split's noise a candidate must clear the budget by:
 *                             its validation metric minus this many paired-bootstrap standard errors of its difference
 *                             to the prompt must be within {@code maxDrop}; 0 = compare the raw metric
 * @param scope                rank units per layer or globally
 * @param method               attribution method
 * @param integrationSteps     integrated-gradients steps
 * @param attributionExamples  training examples scored for attribution
 * @param maxTrainExamples     cap on training examples (seeded sample), 0 = all
 * @param training             prompt-tuning options on the full model
 * @param retuneEpochs         re-tuning budget per candidate, in epochs of the training split (early stopping
 *                             usually ends it sooner); 0 = as many as prompt tuning ran, at least
 *                             {@link #MIN_RETUNE_EPOCHS} ({@link #retuneEpochs(int)})
 * @param distill              knowledge distillation while re-tuning, in [0, 1]: the weight of the full model's
 *                             predicted distribution (with the prompt) in the targets, the gold label having the
 *                             rest; 0 = gold labels only
 * @param ffnRank              rank of the low-rank update of each layer's kept FFN weights trained while a candidate
 *                             is re-tuned ({@code FfnAdapter}); 0 = re-tune the prompt and head only
 * @param halveRate            halve a trial's re-tuning rate after each round without a new best, and start a
 *                             warm-started trial at the rate its warm start ended with; false: every round at
 *                             {@code training}'s rate
 * @param averageRounds        from a candidate's second re-tuning round on, judge and ship it as the mean of its
 *                             parameters at the end of its last this many rounds (weight averaging); 1 = as its best
 *                             single round
 * @param linearProbe          also train and evaluate a linear probe (no prompt: only a head on the frozen model's
 *                             pooled output, same data and schedule), as a baseline the prompt must beat
 * @param allowWeak            ship even when prompt tuning did not clearly learn the task
 * @param fromPrompt           a prompt artifact ({@code prompts/TASK/prompt.avro}) to start from instead of prompt
 *                             tuning: attribution, localization and re-tuning run on it; null to train one
 * @param timeLimit            wall time the whole build should take at most: the search starts no candidate and
 *                             no re-tuning round that would end later, and ships the best found by then; zero = none
 * @param validation           a validation file to make every choice on instead of a split held out of {@code train}
 *                             (same columns; never the dev file), or null: for training data unlike the inputs to
 *                             serve (e.g. phrases), whose held-out split would misjudge a skeleton
 */
public record BuildOptions(
        String taskId, Path train, Path dev, ColumnSpec columns, Path root,
        int promptLength, boolean deepPrompt, int maxTokens, Pooling pooling, boolean siamese,
        List<Double> ffnKeeps, List<Double> headKeeps, double maxDrop, double noiseMargin,
        Localization.Scope scope,
        AttributionMethod method, int integrationSteps, int attributionExamples, int maxTrainExamples,
        TrainingOptions training, int retuneEpochs, double distill, int ffnRank, boolean halveRate,
        int averageRounds, boolean linearProbe,
        boolean allowWeak,
        Path fromPrompt, Duration timeLimit, Path validation) {

    /** The default candidate grid: FFN keep ratios. */
    public static final List<Double> FFN_KEEPS = List.of(0.1, 0.2, 0.3, 0.4, 0.5);
    /** The default candidate grid: attention-head keep ratios. */
    public static final List<Double> HEAD_KEEPS = List.of(0.5, 0.75, 1.0);
    /** The fewest re-tuning epochs per candidate by default, whatever prompt tuning ran. */
    public static final int MIN_RETUNE_EPOCHS = 3;
    /** A longer window than a trial usually runs (2-11 rounds) would average in rounds from far back in it. */
    public static final int MAX_AVERAGE_ROUNDS = 10;

    public BuildOptions {
        List<String> problems = new ArrayList<>();
        if (promptLength < 0) {
            problems.add("prompt length " + promptLength + " must be >= 0");
        }
        if (deepPrompt && promptLength == 0) {
            problems.add("a deep prompt needs a prompt length >= 1");
        }
        if (siamese && columns.pair() == null) {
            problems.add("siamese input needs a pair column: it encodes the text and the pair apart");
        }
        if (maxTokens < promptLength + 4) {
            problems.add("max tokens " + maxTokens + " must leave room for text after a " + promptLength
                    + "-row prompt");
        }
        ffnKeeps = List.copyOf(new TreeSet<>(ffnKeeps));
        headKeeps = List.copyOf(new TreeSet<>(headKeeps));
        if (ffnKeeps.isEmpty() || headKeeps.isEmpty()) {
            problems.add("the candidate grid needs at least one FFN keep ratio and one head keep ratio");
        }
        for (double keep : ffnKeeps) {
            if (!(keep > 0 && keep <= 1)) {
                problems.add("FFN keep ratio " + keep + " must be in (0, 1]");
            }
        }
        for (double keep : headKeeps) {
            if (!(keep > 0 && keep <= 1)) {
                problems.add("head keep ratio " + keep + " must be in (0, 1]");
            }
        }
        if (!(maxDrop >= 0 && maxDrop <= 100)) {
            problems.add("max drop " + maxDrop + " must be in [0, 100] points");
        }
        if (!(noiseMargin >= 0 && noiseMargin <= 5)) {
            problems.add("noise margin " + noiseMargin + " must be in [0, 5] standard errors");
        }
        if (integrationSteps < 1 || attributionExamples < 1 || maxTrainExamples < 0 || retuneEpochs < 0) {
            problems.add("integration steps and attribution examples must be >= 1, re-tune epochs and max train "
                    + "examples >= 0");
        }
        if (validation != null && dev != null
                && validation.toAbsolutePath().normalize().equals(dev.toAbsolutePath().normalize())) {
            problems.add("the validation file must not be the dev file: choices made on dev would make its figures "
                    + "meaningless");
        }
        if (timeLimit.isNegative()) {
            problems.add("time limit " + timeLimit + " must not be negative");
        }
        if (!(distill >= 0 && distill <= 1)) {
            problems.add("distillation weight " + distill + " must be in [0, 1]");
        }
        if (ffnRank < 0 || ffnRank > SkeletonValidator.MAX_FFN_DELTA_RANK) {
            problems.add("FFN update rank " + ffnRank + " must be in [0, " + SkeletonValidator.MAX_FFN_DELTA_RANK
                    + "]");
        }
        if (averageRounds < 1 || averageRounds > MAX_AVERAGE_ROUNDS) {
            problems.add("rounds to average " + averageRounds + " must be in [1, " + MAX_AVERAGE_ROUNDS + "]");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid build options: " + String.join("; ", problems));
        }
    }

    /** The input kind of the skeleton: SINGLE without a pair column, else PAIR or SIAMESE. */
    public InputKind inputKind() {
        if (columns.pair() == null) {
            return InputKind.SINGLE;
        }
        return siamese ? InputKind.SIAMESE : InputKind.PAIR;
    }

    /**
     * Re-tuning epochs per candidate after {@code promptEpochs} of prompt tuning: {@code retuneEpochs}, or by
     * default as many as the prompt had, at least {@link #MIN_RETUNE_EPOCHS}. A pruned prompt has to recover what
     * the removed units carried; on the book task, after 8 prompt epochs, every trial capped at 3 epochs was still
     * climbing at its last round.
     */
    public int retuneEpochs(int promptEpochs) {
        return retuneEpochs > 0 ? retuneEpochs : Math.max(MIN_RETUNE_EPOCHS, promptEpochs);
    }

    /** Options as strings, for the skeleton's provenance; the column keys also tell {@code eval} how to read data. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("train", train.getFileName().toString());
        m.put("dev", dev.getFileName().toString());
        if (validation != null) {
            m.put("validation", validation.getFileName().toString());
        }
        m.put("text_column", columns.text());
        m.put("pair_column", String.valueOf(columns.pair()));
        m.put("label_column", columns.label());
        m.put("header", Boolean.toString(columns.header()));
        m.put("labels", String.join(",", columns.labels()));
        m.put("prompt_length", Integer.toString(promptLength));
        if (deepPrompt) {
            m.put("deep_prompt", "true");
        }
        m.put("max_tokens", Integer.toString(maxTokens));
        m.put("pooling", pooling.name());
        if (siamese) {
            m.put("siamese", "true");
        }
        m.put("ffn_keeps", ffnKeeps.toString());
        m.put("head_keeps", headKeeps.toString());
        m.put("max_drop", Double.toString(maxDrop));
        m.put("noise_margin", Double.toString(noiseMargin));
        m.put("scope", scope.name());
        m.put("attribution", method.name());
        m.put("integration_steps", Integer.toString(integrationSteps));
        m.put("attribution_examples", Integer.toString(attributionExamples));
        m.put("max_train_examples", Integer.toString(maxTrainExamples));
        m.put("epochs", Integer.toString(training.epochs()));
        m.put("learning_rate", Float.toString(training.learningRate()));
        m.put("batch_size", Integer.toString(training.batchSize()));
        m.put("weight_decay", Float.toString(training.weightDecay()));
        m.put("retune_epochs", Integer.toString(retuneEpochs));
        if (distill > 0) {
            m.put("distill", Double.toString(distill));
        }
        m.put("ffn_rank", Integer.toString(ffnRank));
        if (halveRate) {
            m.put("halve_rate", "true");
        }
        m.put("average_rounds", Integer.toString(averageRounds));
        if (linearProbe) {
            m.put("linear_probe", "true");
        }
        if (allowWeak) {
            m.put("allow_weak", "true");
        }
        if (fromPrompt != null) {
            m.put("from_prompt", fromPrompt.toString());
        }
        m.put("time_limit_s", Long.toString(timeLimit.toSeconds()));
        return m;
    }
}
