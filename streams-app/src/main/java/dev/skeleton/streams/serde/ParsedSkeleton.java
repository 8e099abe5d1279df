package dev.skeleton.streams.serde;

import dev.skeleton.avro.TaskSkeleton;

/**
 * What a registry value is, as read by {@link SkeletonSerdes#parseSkeleton}. It never throws: a corrupt value on
 * the registry topic must not break the global store's restore (KAFKA-8037); it becomes {@link Corrupt} and is
 * refused.
 */
public sealed interface ParsedSkeleton
        permits ParsedSkeleton.Present, ParsedSkeleton.Tombstone, ParsedSkeleton.Corrupt {

    /** A decoded skeleton; whether it can run is decided by the registry. */
    record Present(TaskSkeleton skeleton) implements ParsedSkeleton {}

    /** A null value: the task is retired. */
    record Tombstone() implements ParsedSkeleton {}

    /** Bytes that are not a TaskSkeleton; {@code reason} says why. */
    record Corrupt(String reason) implements ParsedSkeleton {}
}
