package dev.skeleton.engine.skeleton;

import dev.skeleton.avro.Matrix;
import dev.skeleton.engine.model.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Conversions between the Avro {@link Matrix} (little-endian float32 bytes) and {@link FloatTensor}. */
public final class Matrices {

    private Matrices() {}

    public static Matrix toAvro(FloatTensor t) {
        ByteBuffer buf = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(t.data());
        return Matrix.newBuilder().setRows(t.rows()).setCols(t.cols()).setValues(buf).build();
    }

    /** The matrix as a tensor; throws {@link IllegalArgumentException} if the byte count does not fit the shape. */
    public static FloatTensor toTensor(Matrix m) {
        ByteBuffer bytes = m.getValues().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long expected = 4L * m.getRows() * m.getCols();
        if (m.getRows() < 0 || m.getCols() < 0 || bytes.remaining() != expected) {
            throw new IllegalArgumentException("matrix " + m.getRows() + " x " + m.getCols() + " needs " + expected
                    + " bytes, has " + bytes.remaining());
        }
        float[] data = new float[m.getRows() * m.getCols()];
        bytes.asFloatBuffer().get(data);
        return new FloatTensor(new int[] {m.getRows(), m.getCols()}, data);
    }
}
