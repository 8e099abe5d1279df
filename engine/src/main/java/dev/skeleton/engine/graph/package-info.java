/**
 * Writes the ONNX graph of one skeleton ({@link dev.skeleton.engine.graph.SkeletonGraphBuilder}): prompt, the kept
 * heads and neurons of every layer on ONNX Runtime's fused kernels, pooling and head, in fp32 or dynamic int8
 * ({@link dev.skeleton.engine.graph.Precision}). The pruned neurons are physically absent from the weights.
 */
package dev.skeleton.engine.graph;
