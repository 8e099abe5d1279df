package dev.skeleton.engine.model;

/**
 * Parameters of one layer normalization: {@code gamma * (x - mean) / sqrt(var + epsilon) + beta}.
 *
 * @param gamma   scale, one value per hidden unit
 * @param beta    shift, one value per hidden unit
 * @param epsilon variance floor
 */
public record LayerNorm(FloatTensor gamma, FloatTensor beta, float epsilon) {}
