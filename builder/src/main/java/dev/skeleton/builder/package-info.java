/**
 * Builds a skeleton from labeled data ({@link dev.skeleton.builder.SkeletonBuilder}): prompt tuning on the frozen
 * base model, neuron attribution and localization, re-tuning, a budget search for the fastest skeleton within the
 * accuracy budget, and the artifacts (skeleton, prompt, report) written at the end.
 */
package dev.skeleton.builder;
