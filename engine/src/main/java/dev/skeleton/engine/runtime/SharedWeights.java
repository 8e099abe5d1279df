package dev.skeleton.engine.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.skeleton.engine.model.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Base-model weights in native memory, created once and handed to every task's ONNX Runtime session by
 * name ({@code SessionOptions.addInitializer}), which uses them in place: the base model is held once
 * however many tasks are loaded.
 */
final class SharedWeights implements AutoCloseable {

    private final OrtEnvironment env;
    private final Map<String, OnnxTensor> tensors = new ConcurrentHashMap<>();

    SharedWeights(OrtEnvironment env) {
        this.env = env;
    }

    /** The native tensor for {@code name}, created from {@code values} the first time it is asked for. */
    OnnxTensor get(String name, FloatTensor values) {
        return tensors.computeIfAbsent(name, n -> create(values));
    }

    private OnnxTensor create(FloatTensor t) {
        FloatBuffer buf = ByteBuffer.allocateDirect(4 * t.data().length).order(ByteOrder.nativeOrder()).asFloatBuffer();
        buf.put(t.data()).rewind();
        try {
            return OnnxTensor.createTensor(env, buf, Arrays.stream(t.shape()).asLongStream().toArray());
        } catch (OrtException e) {
            throw new IllegalStateException("cannot create a native tensor of " + t, e);
        }
    }

    /** Bytes held natively. */
    long sizeInBytes() {
        return tensors.values().stream().mapToLong(t -> 4L * t.getInfo().getNumElements()).sum();
    }

    @Override
    public void close() {
        tensors.values().forEach(OnnxTensor::close);
        tensors.clear();
    }
}
