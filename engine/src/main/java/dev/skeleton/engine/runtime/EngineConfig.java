package dev.skeleton.engine.runtime;

import dev.skeleton.engine.graph.Precision;
import java.util.ArrayList;
import java.util.List;

/**
 * How the engine runs skeletons.
 *
 * @param intraOpThreads ONNX Runtime intra-op threads, >= 1. Above 1: the size of a process-wide pool that every
 *                       session's batches share (the first engine of a process sets it; later ones share that pool).
 *                       1: each batch runs alone on the thread that calls the model, with no pool at all, so
 *                       several callers (inference workers) run side by side on their own cores without waking,
 *                       spinning or waiting for pool threads
 * @param device         execution provider; CUDA falls back to CPU with a warning when unavailable
 * @param cudaDeviceId   GPU ordinal for CUDA, >= 0
 * @param precision      arithmetic of the layer matrices: fp32, or dynamic int8 (CPU)
 * @param prepackWeights whether ONNX Runtime re-lays each session's layer matrices for its kernels: faster
 *                       (about 15% more throughput measured here), but every session then holds its own packed
 *                       copy even of the matrices it shares with the base; without it, matrices a task keeps whole
 *                       are held once per process
 */
public record EngineConfig(int intraOpThreads, Device device, int cudaDeviceId, Precision precision,
        boolean prepackWeights) {

    public EngineConfig {
        List<String> problems = new ArrayList<>();
        if (intraOpThreads < 1) {
            problems.add("intraOpThreads=" + intraOpThreads + " must be >= 1");
        }
        if (device == null) {
            problems.add("device must be one of CPU, CUDA");
        }
        if (precision == null) {
            problems.add("precision must be one of FP32, INT8");
        }
        if (cudaDeviceId < 0) {
            problems.add("cudaDeviceId=" + cudaDeviceId + " must be >= 0");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid engine configuration: " + String.join("; ", problems));
        }
    }

    /** fp32, weights pre-packed. */
    public EngineConfig(int intraOpThreads, Device device, int cudaDeviceId) {
        this(intraOpThreads, device, cudaDeviceId, Precision.FP32, true);
    }

    /** CPU, fp32, one thread per available core. */
    public static EngineConfig defaults() {
        return new EngineConfig(Runtime.getRuntime().availableProcessors(), Device.CPU, 0);
    }

    public EngineConfig withThreads(int threads) {
        return new EngineConfig(threads, device, cudaDeviceId, precision, prepackWeights);
    }

    public EngineConfig withDevice(Device newDevice) {
        return new EngineConfig(intraOpThreads, newDevice, cudaDeviceId, precision, prepackWeights);
    }

    public EngineConfig withPrecision(Precision newPrecision) {
        return new EngineConfig(intraOpThreads, device, cudaDeviceId, newPrecision, prepackWeights);
    }

    public EngineConfig withPrepackWeights(boolean prepack) {
        return new EngineConfig(intraOpThreads, device, cudaDeviceId, precision, prepack);
    }

}
