package dev.skeleton.streams;

import dev.skeleton.engine.runtime.Classification;
import dev.skeleton.engine.text.TextInput;
import dev.skeleton.streams.classify.DeadLetterKind;
import dev.skeleton.streams.classify.TaskClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A classifier for topology tests: knows a fixed set of tasks, labels "positive" when the text contains "good",
 * fails (the whole batch) on texts containing "boom", and records every input and batch.
 */
final class StubClassifier implements TaskClassifier {

    static final String FINGERPRINT = "sha256:stub";
    static final String BASE_MODEL = "stub-base";
    static final List<String> LABELS = List.of("negative", "positive");

    /** Task id to serving version; pair tasks listed in {@code pairTasks}. */
    private final Map<String, Long> versions;
    private final List<String> pairTasks;
    final List<String> calls = new ArrayList<>();
    /** Size of every batch asked for. */
    final List<Integer> batches = new ArrayList<>();

    StubClassifier(Map<String, Long> versions, List<String> pairTasks) {
        this.versions = versions;
        this.pairTasks = pairTasks;
    }

    @Override
    public synchronized List<Outcome> classify(String taskId, List<TextInput> inputs) {
        batches.add(inputs.size());
        List<Outcome> outcomes = new ArrayList<>();
        for (TextInput input : inputs) {
            outcomes.add(classify(taskId, input));
        }
        return outcomes;
    }

    private Outcome classify(String taskId, TextInput input) {
        calls.add(taskId + ":" + input.text());
        Long version = versions.get(taskId);
        if (version == null) {
            return new Refused(DeadLetterKind.UNKNOWN_TASK, "no skeleton is serving task '" + taskId + "'");
        }
        if (pairTasks.contains(taskId) != (input.pair() != null)) {
            return new Refused(DeadLetterKind.WRONG_INPUT_SHAPE, "task '" + taskId + "' needs "
                    + (pairTasks.contains(taskId) ? "a textPair" : "no textPair"));
        }
        if (input.text().contains("boom")) {
            throw new IllegalStateException("model exploded");
        }
        boolean good = input.text().contains("good");
        float[] p = good ? new float[] {0.1f, 0.9f} : new float[] {0.8f, 0.2f};
        Classification c = new Classification(good ? "positive" : "negative", LABELS, p, p);
        return new Labeled(c, version, BASE_MODEL, FINGERPRINT, 1.5);
    }
}
