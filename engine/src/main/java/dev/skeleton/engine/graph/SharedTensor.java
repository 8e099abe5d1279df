package dev.skeleton.engine.graph;

import dev.skeleton.engine.model.FloatTensor;

/**
 * A base-model initializer that every task's graph uses unchanged (embeddings, norms, and the layer matrices a task
 * does not prune): the graph only declares it, and the engine supplies the data from one copy per process.
 *
 * @param shape dimensions, outermost first
 * @param floats the values for a float32 tensor, else null
 * @param int8 the values for an int8 tensor, else null
 */
public record SharedTensor(int[] shape, float[] floats, byte[] int8) {

    static SharedTensor of(FloatTensor t) {
        return new SharedTensor(t.shape(), t.data(), null);
    }

    static SharedTensor int8(byte[] data, int[] shape) {
        return new SharedTensor(shape, null, data);
    }

    public boolean isInt8() {
        return int8 != null;
    }

    public long sizeInBytes() {
        return isInt8() ? int8.length : 4L * floats.length;
    }
}
