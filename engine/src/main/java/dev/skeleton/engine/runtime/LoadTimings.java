package dev.skeleton.engine.runtime;

import java.time.Duration;

/**
 * Where the time of one {@link SkeletonEngine#load} went, for the service's swap metrics.
 *
 * @param validate checking the skeleton against the base model
 * @param graph    writing the skeleton's ONNX graph (slicing the kept heads and neurons)
 * @param session  creating the ONNX Runtime session (graph optimization, shared initializers)
 * @param warmUp   the warm-up batch whose outputs must be finite
 */
public record LoadTimings(Duration validate, Duration graph, Duration session, Duration warmUp) {

    /** For a model not made by {@link SkeletonEngine#load}. */
    public static final LoadTimings UNKNOWN = new LoadTimings(Duration.ZERO, Duration.ZERO, Duration.ZERO,
            Duration.ZERO);
}
