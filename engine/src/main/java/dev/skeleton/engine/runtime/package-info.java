/**
 * Serving skeletons: {@link dev.skeleton.engine.runtime.SkeletonEngine} loads a validated skeleton into an ONNX
 * Runtime session ({@link dev.skeleton.engine.runtime.TaskModel}) that shares the base model's unchanged weights
 * ({@link dev.skeleton.engine.runtime.SharedWeights}), plans batches into length-sorted runs
 * ({@link dev.skeleton.engine.runtime.BatchPlanner}), and measures speed the same way everywhere
 * ({@link dev.skeleton.engine.runtime.InterleavedTimer}, {@link dev.skeleton.engine.runtime.SpeedStats}).
 */
package dev.skeleton.engine.runtime;
