package dev.skeleton.streams;

import dev.skeleton.streams.classify.TaskClassifier.Outcome;

/**
 * What became of one request in the {@link MicroBatcher}.
 *
 * @param outcome   its label, or why it has none
 * @param queueMs   from being added to the batcher to the start of its batch's inference (0 if never batched)
 * @param batchSize requests in its batch (0 if never batched: decided before inference)
 * @param readyNanos when the outcome was known ({@link System#nanoTime()}); it is handed on in input order, so it may
 *                   wait for earlier requests' outcomes
 */
record BatchResult(Outcome outcome, double queueMs, int batchSize, long readyNanos) {}
