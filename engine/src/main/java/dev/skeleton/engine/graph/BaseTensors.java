package dev.skeleton.engine.graph;

import dev.skeleton.engine.model.FloatTensor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Tensors derived from the base model once per engine and reused by every graph built on it: the unpruned layer
 * matrices in the form the graph feeds them (QKV concatenated, quantized for int8). Deriving them per task cost
 * most of a graph build, and a hot swap waits for that build.
 */
final class BaseTensors {

    private final Map<String, SharedTensor> tensors = new ConcurrentHashMap<>();

    /** The float32 tensor {@code name}, computed by {@code values} the first time it is asked for. */
    SharedTensor floats(String name, Supplier<FloatTensor> values) {
        return tensors.computeIfAbsent(name, n -> SharedTensor.of(values.get()));
    }

    /**
     * The int8 form of the matrix {@code name} ({@link Int8Weight#perColumn}): its values, then its per-column
     * scales under {@code name + ".scale"}.
     */
    SharedTensor[] int8(String name, Supplier<FloatTensor> values) {
        String scaleName = name + ".scale";
        SharedTensor data = tensors.get(name);
        SharedTensor scales = tensors.get(scaleName);
        if (data == null || scales == null) {
            FloatTensor matrix = values.get();
            Int8Weight q = Int8Weight.perColumn(matrix);
            // two threads may both quantize the first time; the result is the same, and one of them is kept
            data = tensors.computeIfAbsent(name, n -> SharedTensor.int8(q.data(), matrix.shape()));
            scales = tensors.computeIfAbsent(scaleName, n -> SharedTensor.of(FloatTensor.vector(q.scales())));
        }
        return new SharedTensor[] {data, scales};
    }
}
