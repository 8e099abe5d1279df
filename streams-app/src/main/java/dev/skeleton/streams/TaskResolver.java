package dev.skeleton.streams;

import dev.skeleton.avro.ClassificationRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Decides a request's task: the task named in the record, else the {@value #TASK_HEADER} header, else the task
 * mapped to the source topic ({@code topic.task.mapping}). The most specific source wins.
 */
final class TaskResolver {

    /** Header naming the task, for producers that cannot change the value format. */
    static final String TASK_HEADER = "task";

    private final Map<String, String> topicToTask;

    TaskResolver(Map<String, String> topicToTask) {
        this.topicToTask = Map.copyOf(topicToTask);
    }

    Optional<String> resolve(ClassificationRequest request, Headers headers, String sourceTopic) {
        if (request.getTask() != null && !request.getTask().isBlank()) {
            return Optional.of(request.getTask().trim());
        }
        Header header = headers.lastHeader(TASK_HEADER);
        if (header != null && header.value() != null) {
            String task = new String(header.value(), StandardCharsets.UTF_8).trim();
            if (!task.isEmpty()) {
                return Optional.of(task);
            }
        }
        return Optional.ofNullable(sourceTopic).map(topicToTask::get);
    }
}
