package dev.skeleton.streams.registry;

import dev.skeleton.engine.runtime.Classification;
import dev.skeleton.engine.runtime.TaskModel;
import dev.skeleton.engine.text.InputKinds;
import dev.skeleton.engine.text.TextInput;
import dev.skeleton.streams.classify.DeadLetterKind;
import dev.skeleton.streams.classify.TaskClassifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Labels with the serving version of the task's skeleton in the {@link SkeletonRegistry}: one lease and one model
 * call per batch, so every input of a batch is labeled by the same version. A task with no serving skeleton is
 * refused, never answered by another model.
 */
public final class RegistryTaskClassifier implements TaskClassifier {

    /**
     * How long a batch waits for its task's first version when that version is still being built: a build takes well
     * under a second, so this only bounds a stuck one, well inside the inference timeout.
     */
    static final Duration FIRST_VERSION_WAIT = Duration.ofSeconds(5);

    private final SkeletonRegistry registry;

    public RegistryTaskClassifier(SkeletonRegistry registry) {
        this.registry = registry;
    }

    @Override
    public List<Outcome> classify(String taskId, List<TextInput> inputs) {
        Optional<TaskLease> lease = registry.acquire(taskId, FIRST_VERSION_WAIT);
        if (lease.isEmpty()) {
            return Collections.nCopies(inputs.size(), new Refused(DeadLetterKind.UNKNOWN_TASK, unknownTask(taskId)));
        }
        try (TaskLease l = lease.get()) {
            TaskModel model = l.model();
            Outcome[] outcomes = new Outcome[inputs.size()];
            List<Integer> runnable = new ArrayList<>(inputs.size());
            for (int i = 0; i < inputs.size(); i++) {
                Refused shape = shapeProblem(taskId, model, inputs.get(i));
                if (shape != null) {
                    outcomes[i] = shape;
                } else {
                    runnable.add(i);
                }
            }
            run(taskId, model, inputs, runnable, outcomes);
            if (!runnable.isEmpty()) {
                l.labeledBatch();
            }
            return Arrays.asList(outcomes);
        }
    }

    /**
     * Classifies {@code indices} of {@code inputs} in one call. If that call fails, each input is tried alone, so
     * one input that breaks the model becomes one dead letter instead of taking its whole batch along.
     */
    private static void run(String taskId, TaskModel model, List<TextInput> inputs, List<Integer> indices,
            Outcome[] outcomes) {
        if (indices.isEmpty()) {
            return;
        }
        List<TextInput> batch = indices.stream().map(inputs::get).toList();
        long start = System.nanoTime();
        List<Classification> results;
        try {
            results = model.classify(batch);
        } catch (RuntimeException e) {
            if (indices.size() == 1) {
                outcomes[indices.get(0)] = new Refused(DeadLetterKind.INFERENCE_FAILED, "task '" + taskId + "' v"
                        + model.version() + ": inference failed: " + e.getMessage());
            } else {
                for (int i : indices) {
                    run(taskId, model, inputs, List.of(i), outcomes);
                }
            }
            return;
        }
        double inferenceMs = (System.nanoTime() - start) / 1e6;
        String fingerprint = model.skeleton().getBaseModel().getFingerprint();
        for (int j = 0; j < indices.size(); j++) {
            outcomes[indices.get(j)] = new Labeled(results.get(j), model.version(), model.baseModelName(), fingerprint,
                    inferenceMs);
        }
    }

    private static Refused shapeProblem(String taskId, TaskModel model, TextInput input) {
        boolean pairTask = InputKinds.takesPair(model.skeleton().getInput().getKind());
        if (pairTask && input.pair() == null) {
            return new Refused(DeadLetterKind.WRONG_INPUT_SHAPE, "task '" + taskId + "' v" + model.version()
                    + " classifies text pairs, and the request has no textPair");
        }
        if (!pairTask && input.pair() != null) {
            return new Refused(DeadLetterKind.WRONG_INPUT_SHAPE, "task '" + taskId + "' v" + model.version()
                    + " classifies single texts, and the request also has a textPair it would ignore");
        }
        return null;
    }

    private String unknownTask(String taskId) {
        RefusedSkeleton refused = registry.refusal(taskId).orElse(null);
        String why = refused == null ? "never published, or retired"
                : "its latest version " + (refused.version() < 0
                ? "(undecodable or unsigned)" : "v" + refused.version())
                        + " was refused: " + refused.reason();
        return "no skeleton is serving task '" + taskId + "' (" + why + ")";
    }
}
