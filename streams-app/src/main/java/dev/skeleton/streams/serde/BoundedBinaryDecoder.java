package dev.skeleton.streams.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoding of one in-memory message that never allocates more than the message could hold. Avro's
 * own {@code BinaryDecoder} allocates whatever a length prefix claims before it notices the bytes are missing, so
 * a 15-byte value claiming a 2 GB string exhausts the heap and kills the thread that reads it: a poison pill for
 * a stream thread, and for the global thread a service that cannot restart. Here every length and item count is
 * checked against the bytes left first.
 *
 * <p>The item-count check assumes each array or map item takes at least one byte, true of every schema in
 * {@code schemas/avro} (no arrays of null or of empty records).
 */
final class BoundedBinaryDecoder extends Decoder {

    private final byte[] buf;
    private final int limit;
    private int pos;

    BoundedBinaryDecoder(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    /** Bytes not yet read. */
    int remaining() {
        return limit - pos;
    }

    @Override
    public void readNull() {
        // null takes no bytes
    }

    @Override
    public boolean readBoolean() throws IOException {
        need(1, "boolean");
        byte b = buf[pos++];
        if (b != 0 && b != 1) {
            throw new IOException("invalid boolean byte " + b);
        }
        return b == 1;
    }

    @Override
    public int readInt() throws IOException {
        long n = readVarLong(5);
        long value = (n >>> 1) ^ -(n & 1);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IOException("int out of range: " + value);
        }
        return (int) value;
    }

    @Override
    public long readLong() throws IOException {
        long n = readVarLong(10);
        return (n >>> 1) ^ -(n & 1);
    }

    private long readVarLong(int maxBytes) throws IOException {
        long n = 0;
        for (int i = 0; i < maxBytes; i++) {
            need(1, "varint");
            int b = buf[pos++] & 0xFF;
            n |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return n;
            }
        }
        throw new IOException("varint longer than " + maxBytes + " bytes");
    }

    @Override
    public float readFloat() throws IOException {
        need(4, "float");
        float f = ByteBuffer.wrap(buf, pos, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        pos += 4;
        return f;
    }

    @Override
    public double readDouble() throws IOException {
        need(8, "double");
        double d = ByteBuffer.wrap(buf, pos, 8).order(ByteOrder.LITTLE_ENDIAN).getDouble();
        pos += 8;
        return d;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = length("string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        System.arraycopy(buf, pos, result.getBytes(), 0, length);
        pos += length;
        return result;
    }

    @Override
    public String readString() throws IOException {
        int length = length("string");
        String s = new String(buf, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return s;
    }

    @Override
    public void skipString() throws IOException {
        pos += length("string");
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = length("bytes");
        byte[] copy = new byte[length];
        System.arraycopy(buf, pos, copy, 0, length);
        pos += length;
        return ByteBuffer.wrap(copy);
    }

    @Override
    public void skipBytes() throws IOException {
        pos += length("bytes");
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        need(length, "fixed");
        System.arraycopy(buf, pos, bytes, start, length);
        pos += length;
    }

    @Override
    public void skipFixed(int length) throws IOException {
        need(length, "fixed");
        pos += length;
    }

    @Override
    public int readEnum() throws IOException {
        return readInt();
    }

    @Override
    public int readIndex() throws IOException {
        return readInt();
    }

    @Override
    public long readArrayStart() throws IOException {
        return blockCount();
    }

    @Override
    public long arrayNext() throws IOException {
        return blockCount();
    }

    @Override
    public long skipArray() throws IOException {
        return skipBlocks();
    }

    @Override
    public long readMapStart() throws IOException {
        return blockCount();
    }

    @Override
    public long mapNext() throws IOException {
        return blockCount();
    }

    @Override
    public long skipMap() throws IOException {
        return skipBlocks();
    }

    /** Items in the next block; a negative count is followed by the block's size in bytes (unused here). */
    private long blockCount() throws IOException {
        long count = readLong();
        if (count < 0) {
            readLong();
            count = -count;
        }
        need(count, "block of " + count + " items");
        return count;
    }

    /** Skips blocks that carry their byte size; returns the item count of the first block that does not. */
    private long skipBlocks() throws IOException {
        while (true) {
            long count = readLong();
            if (count >= 0) {
                need(count, "block of " + count + " items");
                return count;
            }
            long size = readLong();
            need(size, "block");
            pos += (int) size;
        }
    }

    private int length(String what) throws IOException {
        long length = readLong();
        need(length, what);
        return (int) length;
    }

    private void need(long bytes, String what) throws IOException {
        if (bytes < 0 || bytes > limit - pos) {
            throw new IOException("corrupt value: " + what + " needs " + bytes + " bytes, " + (limit - pos)
                    + " left");
        }
    }
}
