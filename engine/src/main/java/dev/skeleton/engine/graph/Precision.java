package dev.skeleton.engine.graph;

/** Arithmetic of a skeleton's layer matrices. */
public enum Precision {
    /** 32-bit floats throughout. */
    FP32,
    /**
     * Dynamic int8: layer matrices (attention projections, FFN) stored as symmetric per-column int8, activations
     * quantized at run time per batch; embeddings, norms, prompt and head stay fp32.
     */
    INT8
}
