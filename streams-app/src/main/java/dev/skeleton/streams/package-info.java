/**
 * The Kafka Streams service. Entry points: {@link dev.skeleton.streams.SkeletonStreamsApp} (wiring and lifecycle),
 * {@link dev.skeleton.streams.StreamsAppConfig} (every setting), {@link dev.skeleton.streams.SkeletonTopology}
 * (the topology), {@link dev.skeleton.streams.SkeletonRegistry} (serving skeletons, hot-swap) and
 * {@link dev.skeleton.streams.SkeletonSerdes} (wire formats).
 */
package dev.skeleton.streams;
