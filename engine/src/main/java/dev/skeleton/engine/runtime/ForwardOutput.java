package dev.skeleton.engine.runtime;

/**
 * Raw outputs of one batch.
 *
 * @param probabilities {@code [batch][labels]}
 * @param logits        {@code [batch][labels]}
 * @param pooled        {@code [batch][hidden]}: the pooled text representation the head reads
 * @param truncated     per input, whether its text was cut to the token budget
 */
public record ForwardOutput(float[][] probabilities, float[][] logits, float[][] pooled, boolean[] truncated) {}
