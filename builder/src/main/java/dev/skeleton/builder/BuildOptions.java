package dev.skeleton.builder;

import dev.skeleton.avro.Pooling;
import dev.skeleton.builder.data.ColumnSpec;
import dev.skeleton.builder.train.AttributionMethod;
import dev.skeleton.builder.train.Localization;
import dev.skeleton.builder.train.TrainingOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a skeleton build needs to know. {@link #asMap()} is what provenance records.
 *
 * @param taskId               task id of the skeleton
 * @param train                training data file
 * @param dev                  development data file (evaluation)
 * @param columns              which columns hold text, pair and label
 * @param root                 project root: artifacts go to {@code root/prompts/TASK} and {@code root/skeletons/TASK}
 * @param promptLength         soft prompt rows
 * @param deepPrompt           also train an offset of the prompt positions' states before every later layer (deep
 *                             prompt tuning), not only the prompt at the embeddings
 * @param maxTokens            encoder sequence budget, prompt included
 * @param pooling              pooling of the text tokens
 * @param ffnKeep              share of FFN neurons kept, (0, 1]
 * @param headKeep             share of attention heads kept, (0, 1]
 * @param scope                rank units per layer or globally
 * @param method               attribution method
 * @param integrationSteps     integrated-gradients steps
 * @param attributionExamples  training examples scored for attribution
 * @param maxTrainExamples     cap on training examples (seeded sample), 0 = all
 * @param training             prompt-tuning options on the full model
 * @param retuneEpochs         epochs of re-tuning on the skeleton
 * @param distill              knowledge distillation while re-tuning, in [0, 1]: the weight of the full model's
 *                             predicted distribution (with the prompt) in the targets, the gold label having the
 *                             rest; 0 = gold labels only
 * @param sweep                further FFN keep ratios to build, evaluate and time (for a metric/speed-up curve)
 * @param sweepRetuneEpochs    epochs of re-tuning for each sweep point
 * @param linearProbe          also train and evaluate a linear probe (no prompt: only a head on the frozen model's
 *                             pooled output, same data and schedule), as the report's baseline
 * @param fromPrompt           a prompt artifact ({@code prompts/TASK/prompt.avro}) to start from instead of prompt
 *                             tuning: attribution, localization and re-tuning run on it; null to train one
 */
public record BuildOptions(
        String taskId, Path train, Path dev, ColumnSpec columns, Path root,
        int promptLength, boolean deepPrompt, int maxTokens, Pooling pooling,
        double ffnKeep, double headKeep, Localization.Scope scope, AttributionMethod method, int integrationSteps,
        int attributionExamples, int maxTrainExamples, TrainingOptions training, int retuneEpochs, double distill,
        List<Double> sweep, int sweepRetuneEpochs, boolean linearProbe, Path fromPrompt) {

    public BuildOptions {
        List<String> problems = new ArrayList<>();
        if (promptLength < 0) {
            problems.add("prompt length " + promptLength + " must be >= 0");
        }
        if (deepPrompt && promptLength == 0) {
            problems.add("a deep prompt needs a prompt length >= 1");
        }
        if (maxTokens < promptLength + 4) {
            problems.add("max tokens " + maxTokens + " must leave room for text after a " + promptLength + "-row prompt");
        }
        if (!(ffnKeep > 0 && ffnKeep <= 1)) {
            problems.add("keep " + ffnKeep + " must be in (0, 1]");
        }
        if (!(headKeep > 0 && headKeep <= 1)) {
            problems.add("head keep " + headKeep + " must be in (0, 1]");
        }
        if (integrationSteps < 1 || attributionExamples < 1 || maxTrainExamples < 0 || retuneEpochs < 0
                || sweepRetuneEpochs < 0) {
            problems.add("integration steps and attribution examples must be >= 1, max train examples and re-tune "
                    + "epochs (also of the sweep) >= 0");
        }
        if (!(distill >= 0 && distill <= 1)) {
            problems.add("distillation weight " + distill + " must be in [0, 1]");
        }
        sweep = List.copyOf(sweep);
        for (double keep : sweep) {
            if (!(keep > 0 && keep <= 1)) {
                problems.add("sweep keep ratio " + keep + " must be in (0, 1]");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid build options: " + String.join("; ", problems));
        }
    }

    /** Options as strings, for the skeleton's provenance. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("train", train.getFileName().toString());
        m.put("dev", dev.getFileName().toString());
        m.put("text_column", columns.text());
        m.put("pair_column", String.valueOf(columns.pair()));
        m.put("label_column", columns.label());
        m.put("labels", String.join(",", columns.labels()));
        m.put("prompt_length", Integer.toString(promptLength));
        if (deepPrompt) {
            m.put("deep_prompt", "true");
        }
        m.put("max_tokens", Integer.toString(maxTokens));
        m.put("pooling", pooling.name());
        m.put("keep", Double.toString(ffnKeep));
        m.put("head_keep", Double.toString(headKeep));
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
        if (!sweep.isEmpty()) {
            m.put("sweep", sweep.toString());
            m.put("sweep_retune_epochs", Integer.toString(sweepRetuneEpochs));
        }
        if (linearProbe) {
            m.put("linear_probe", "true");
        }
        if (fromPrompt != null) {
            m.put("from_prompt", fromPrompt.toString());
        }
        return m;
    }
}
