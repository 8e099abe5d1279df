package dev.skeleton.engine.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.skeleton.engine.graph.SharedTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Base-model weights in native memory, created once and handed to every task's ONNX Runtime session by
 * name ({@code SessionOptions.addInitializer}), which uses them in place: the base model is held once
 * however many tasks are loaded.
 */
public final class SharedWeights implements AutoCloseable {

    private final OrtEnvironment env;
    private final Map<String, OnnxTensor> tensors = new ConcurrentHashMap<>();

    public SharedWeights(OrtEnvironment env) {
        this.env = env;
    }

    /** The native tensor for {@code name}, created from {@code values} the first time it is asked for. */
    public OnnxTensor get(String name, SharedTensor values) {
        return tensors.computeIfAbsent(name, n -> create(values));
    }

    private OnnxTensor create(SharedTensor t) {
        ByteBuffer buf = ByteBuffer.allocateDirect((int) t.sizeInBytes()).order(ByteOrder.nativeOrder());
        if (t.isInt8()) {
            buf.put(t.int8());
        } else {
            buf.asFloatBuffer().put(t.floats());
        }
        buf.rewind();
        long[] shape = Arrays.stream(t.shape()).asLongStream().toArray();
        try {
            // a direct buffer: ONNX Runtime uses this memory in place, it does not copy it
            return t.isInt8() ? OnnxTensor.createTensor(env, buf, shape, OnnxJavaType.INT8)
                    : OnnxTensor.createTensor(env, buf.asFloatBuffer(), shape);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot create a native tensor of shape " + Arrays.toString(t.shape()), e);
        }
    }

    /** Bytes held natively. */
    long sizeInBytes() {
        return tensors.values().stream().mapToLong(t -> t.getInfo().getNumElements() * t.getInfo().type.size).sum();
    }

    @Override
    public void close() {
        tensors.values().forEach(OnnxTensor::close);
        tensors.clear();
    }
}
