/**
 * The port between the stream path and whatever labels its inputs: {@link
 * dev.skeleton.streams.classify.TaskClassifier} with its per-input outcomes, and the {@link
 * dev.skeleton.streams.classify.DeadLetterKind} a refused input carries to the dead-letter topic. Kept apart so
 * that the registry can implement the port without depending on the topology, and the topology can be tested with
 * a stub.
 */
package dev.skeleton.streams.classify;
