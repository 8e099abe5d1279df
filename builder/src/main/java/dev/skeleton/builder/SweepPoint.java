package dev.skeleton.builder;

/**
 * One point of a keep-ratio sweep.
 *
 * @param keep    share of FFN neurons kept
 * @param metric  dev metric of the re-tuned skeleton, served by the ONNX Runtime engine
 * @param speedup seq/s over the prompt on the full model (batch 32, dev texts)
 */
public record SweepPoint(double keep, double metric, double speedup) {}
