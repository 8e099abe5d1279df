package dev.skeleton.streams;

import dev.skeleton.avro.InputKind;
import dev.skeleton.engine.runtime.Classification;
import dev.skeleton.engine.runtime.TaskModel;
import dev.skeleton.engine.text.TextInput;
import java.util.List;
import java.util.Optional;

/**
 * Labels with the serving version of the task's skeleton in the {@link SkeletonRegistry}, one input per call.
 * A task with no serving skeleton is refused, never answered by another model.
 */
public final class RegistryTaskClassifier implements TaskClassifier {

    private final SkeletonRegistry registry;

    public RegistryTaskClassifier(SkeletonRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Outcome classify(String taskId, TextInput input) {
        Optional<TaskLease> lease = registry.acquire(taskId);
        if (lease.isEmpty()) {
            return new Refused(DeadLetterKind.UNKNOWN_TASK, unknownTask(taskId));
        }
        try (TaskLease l = lease.get()) {
            TaskModel model = l.model();
            boolean pairTask = model.skeleton().getInput().getKind() == InputKind.PAIR;
            if (pairTask && input.pair() == null) {
                return new Refused(DeadLetterKind.WRONG_INPUT_SHAPE, "task '" + taskId + "' v" + model.version()
                        + " classifies text pairs, and the request has no textPair");
            }
            if (!pairTask && input.pair() != null) {
                return new Refused(DeadLetterKind.WRONG_INPUT_SHAPE, "task '" + taskId + "' v" + model.version()
                        + " classifies single texts, and the request also has a textPair it would ignore");
            }
            long start = System.nanoTime();
            Classification c;
            try {
                c = model.classify(List.of(input)).get(0);
            } catch (RuntimeException e) {
                return new Refused(DeadLetterKind.INFERENCE_FAILED, "task '" + taskId + "' v" + model.version()
                        + ": inference failed: " + e.getMessage());
            }
            double inferenceMs = (System.nanoTime() - start) / 1e6;
            return new Labeled(c, model.version(), model.skeleton().getBaseModel().getFingerprint(), inferenceMs);
        }
    }

    private String unknownTask(String taskId) {
        RefusedSkeleton refused = registry.refusal(taskId).orElse(null);
        String why = refused == null ? "never published, or retired"
                : "its latest version " + (refused.version() < 0 ? "(undecodable)" : "v" + refused.version())
                        + " was refused: " + refused.reason();
        return "no skeleton is serving task '" + taskId + "' (" + why + ")";
    }
}
