package dev.skeleton.engine.runtime;

/**
 * Raw outputs of one batch.
 *
 * @param probabilities {@code [batch][labels]}
 * @param logits        {@code [batch][labels]}
 * @param pooled        {@code [batch][hidden]}: the pooled text representation the head reads (SIAMESE:
 *                      {@code [batch][4 hidden]}, the pair's features)
 * @param truncated     per input, whether its text (or either text of a SIAMESE pair) was cut to the token budget
 */
public record ForwardOutput(float[][] probabilities, float[][] logits, float[][] pooled, boolean[] truncated) {}
