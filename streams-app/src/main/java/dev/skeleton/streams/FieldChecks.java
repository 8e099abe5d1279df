package dev.skeleton.streams;

import dev.skeleton.avro.ClassificationRequest;
import dev.skeleton.engine.skeleton.SkeletonValidator;
import dev.skeleton.streams.classify.DeadLetterKind;
import dev.skeleton.streams.classify.TaskClassifier.Refused;

/**
 * Checks of the request fields that outputs copy (id, metadata) and of the task it names, before anything is copied:
 * a request whose output could not be written must become a small dead letter, not a result the broker refuses.
 */
final class FieldChecks {

    /** How much of an oversized or invalid value a reason quotes. */
    static final int QUOTED_CHARS = 64;

    private FieldChecks() {}

    /** Why the request's id or metadata cannot be copied into a result, or null if they can. */
    static Refused problem(ClassificationRequest request, OutputLimits limits) {
        String id = request.getId();
        if (id.length() > limits.maxIdChars()) {
            return new Refused(DeadLetterKind.OVERSIZED_FIELD, "request '" + OutputLimits.clip(id, QUOTED_CHARS)
                    + "': id has " + id.length() + " characters, more than " + StreamsAppConfig.MAX_ID_CHARS + "="
                    + limits.maxIdChars());
        }
        long metadata = OutputLimits.metadataBytes(request.getMetadata());
        if (metadata > limits.maxMetadataBytes()) {
            return new Refused(DeadLetterKind.OVERSIZED_FIELD, "request '" + id + "': metadata has " + metadata
                    + " bytes, more than " + StreamsAppConfig.MAX_METADATA_BYTES + "=" + limits.maxMetadataBytes());
        }
        return null;
    }

    /** Why {@code task} cannot name a loaded task (it is not a task id at all), or null if it could. */
    static Refused taskProblem(ClassificationRequest request, String task) {
        if (SkeletonValidator.TASK_ID.matcher(task).matches()) {
            return null;
        }
        return new Refused(DeadLetterKind.UNKNOWN_TASK, "request '" + request.getId() + "': task '"
                + OutputLimits.clip(task, QUOTED_CHARS) + "' (" + task.length() + " characters) is not a task id ("
                + SkeletonValidator.TASK_ID.pattern() + ")");
    }
}
