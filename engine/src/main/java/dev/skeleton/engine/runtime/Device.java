package dev.skeleton.engine.runtime;

/** Where inference runs. */
public enum Device {
    /** ONNX Runtime's CPU execution provider. */
    CPU,
    /**
     * ONNX Runtime's CUDA execution provider (needs the onnxruntime_gpu artifact, {@code -Pgpu}); falls back to CPU.
     */
    CUDA
}
