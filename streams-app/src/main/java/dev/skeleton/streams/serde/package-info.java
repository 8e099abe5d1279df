/**
 * Wire formats of the service's topics, independent of the topology: requests read from Avro single-object
 * encoding or JSON without ever throwing ({@link dev.skeleton.streams.serde.RequestParser}, giving a
 * {@link dev.skeleton.streams.serde.ParsedRequest}), results and skeletons written and read with schema evolution
 * ({@link dev.skeleton.streams.serde.SkeletonSerdes}), and an Avro decoder that refuses any length beyond the bytes
 * actually present, so that a corrupt record cannot make the service allocate gigabytes.
 */
package dev.skeleton.streams.serde;
