package dev.skeleton.streams.registry;

/**
 * A skeleton version the registry would not serve, and why. Kept so operators can see it (e.g. in {@code /tasks}).
 *
 * @param taskId        the task, as keyed on the registry topic
 * @param version       the refused version, or -1 if the value could not even be decoded
 * @param reason        every problem found
 * @param refusedAtMillis when, epoch milliseconds
 */
public record RefusedSkeleton(String taskId, long version, String reason, long refusedAtMillis) {}
