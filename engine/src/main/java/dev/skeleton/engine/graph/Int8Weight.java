package dev.skeleton.engine.graph;

import dev.skeleton.engine.model.FloatTensor;

/**
 * A weight matrix {@code [in, out]} quantized to symmetric int8 per output column: {@code w[i][j] ~ data[i][j] *
 * scales[j]}, zero point 0. Per column because the columns of a transformer's matrices differ in range by more than
 * 10x, and one scale for all would spend most of the 8 bits on the widest.
 *
 * @param data   int8 values, row-major {@code [in, out]}
 * @param scales one scale per output column, > 0
 */
record Int8Weight(byte[] data, float[] scales) {

    static Int8Weight perColumn(FloatTensor weight) {
        int rows = weight.rows();
        int cols = weight.cols();
        float[] w = weight.data();
        float[] scales = new float[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                scales[j] = Math.max(scales[j], Math.abs(w[i * cols + j]));
            }
        }
        for (int j = 0; j < cols; j++) {
            scales[j] = scales[j] > 0 ? scales[j] / 127f : 1f;
        }
        byte[] data = new byte[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                data[i * cols + j] = (byte) Math.max(-127, Math.min(127, Math.round(w[i * cols + j] / scales[j])));
            }
        }
        return new Int8Weight(data, scales);
    }
}
