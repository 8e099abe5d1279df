/**
 * The Kafka Streams service: wiring and lifecycle ({@link dev.skeleton.streams.SkeletonStreamsApp}), every setting
 * ({@link dev.skeleton.streams.StreamsAppConfig}), the topology ({@link dev.skeleton.streams.SkeletonTopology}) with
 * its request processor, micro-batching on the Vert.x inference workers, dead letters, and the HTTP endpoints.
 * Three sub-packages hold what does not depend on this one: {@code serde} (wire formats), {@code registry} (the
 * serving skeletons and their hot swap) and {@code classify} (the port between the stream path and the models).
 * Only {@link dev.skeleton.streams.PreCommitHook} and {@link dev.skeleton.streams.DeferredForwarder} touch Kafka
 * Streams internals.
 */
package dev.skeleton.streams;
