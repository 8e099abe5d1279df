package dev.skeleton.engine.model;

import java.util.Arrays;

/**
 * A dense row-major float32 tensor held on the Java heap: the unit in which base-model weights are read,
 * sliced and handed to ONNX Runtime.
 *
 * @param shape dimensions, outermost first
 * @param data  values in row-major order; {@code data.length} equals the product of {@code shape}
 */
public record FloatTensor(int[] shape, float[] data) {

    public FloatTensor {
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + size + " values, got " + data.length);
        }
    }

    /** A matrix of the given size, filled with zeros. */
    public static FloatTensor zeros(int rows, int cols) {
        return new FloatTensor(new int[] {rows, cols}, new float[rows * cols]);
    }

    /** A vector wrapping {@code values}. */
    public static FloatTensor vector(float[] values) {
        return new FloatTensor(new int[] {values.length}, values);
    }

    public int rows() {
        return shape[0];
    }

    public int cols() {
        return shape.length < 2 ? 1 : shape[1];
    }

    public int rank() {
        return shape.length;
    }

    public long sizeInBytes() {
        return 4L * data.length;
    }

    /** The given columns of a matrix, in the given order. */
    public FloatTensor selectColumns(int[] columns) {
        int rows = rows();
        int cols = cols();
        float[] out = new float[rows * columns.length];
        for (int r = 0; r < rows; r++) {
            int src = r * cols;
            int dst = r * columns.length;
            for (int j = 0; j < columns.length; j++) {
                out[dst + j] = data[src + columns[j]];
            }
        }
        return new FloatTensor(new int[] {rows, columns.length}, out);
    }

    /** The given rows of a matrix, in the given order. */
    public FloatTensor selectRows(int[] rowIndices) {
        int cols = cols();
        float[] out = new float[rowIndices.length * cols];
        for (int i = 0; i < rowIndices.length; i++) {
            System.arraycopy(data, rowIndices[i] * cols, out, i * cols, cols);
        }
        return new FloatTensor(new int[] {rowIndices.length, cols}, out);
    }

    /** The given entries of a vector, in the given order. */
    public FloatTensor selectEntries(int[] indices) {
        float[] out = new float[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = data[indices[i]];
        }
        return vector(out);
    }

    /** This matrix plus {@code a x b} (a low-rank update: {@code a} is rows x r, {@code b} is r x cols). */
    public FloatTensor plusProduct(FloatTensor a, FloatTensor b) {
        int rows = rows();
        int cols = cols();
        int rank = a.cols();
        if (a.rows() != rows || b.rows() != rank || b.cols() != cols) {
            throw new IllegalArgumentException("cannot add " + a + " x " + b + " to " + this);
        }
        float[] out = data.clone();
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < rank; k++) {
                float aik = a.data[i * rank + k];
                int bRow = k * cols;
                int outRow = i * cols;
                for (int j = 0; j < cols; j++) {
                    out[outRow + j] += aik * b.data[bRow + j];
                }
            }
        }
        return new FloatTensor(shape.clone(), out);
    }

    /** Matrices with equal row counts side by side. */
    public static FloatTensor concatColumns(FloatTensor... parts) {
        int rows = parts[0].rows();
        int total = 0;
        for (FloatTensor p : parts) {
            total += p.cols();
        }
        float[] out = new float[rows * total];
        int offset = 0;
        for (FloatTensor p : parts) {
            int cols = p.cols();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(p.data, r * cols, out, r * total + offset, cols);
            }
            offset += cols;
        }
        return new FloatTensor(new int[] {rows, total}, out);
    }

    /** Vectors one after the other. */
    public static FloatTensor concatEntries(FloatTensor... parts) {
        int total = 0;
        for (FloatTensor p : parts) {
            total += p.data.length;
        }
        float[] out = new float[total];
        int offset = 0;
        for (FloatTensor p : parts) {
            System.arraycopy(p.data, 0, out, offset, p.data.length);
            offset += p.data.length;
        }
        return vector(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
