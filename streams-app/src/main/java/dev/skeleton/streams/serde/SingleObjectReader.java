package dev.skeleton.streams.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads Avro single-object encoded values (marker {@code 0xC3 0x01}, the writer schema's 8-byte CRC-64-AVRO
 * fingerprint little-endian, then the binary record) into a generated class. Same wire format as the generated
 * classes' {@code getDecoder()}, but decoded with {@link BoundedBinaryDecoder}, so a corrupt length can never
 * allocate more than the value holds. Writer schemas are found by fingerprint; older schema versions can be
 * registered with {@link #addWriterSchema} and are resolved to the current one. Thread-safe.
 */
final class SingleObjectReader<T extends SpecificRecord> {

    static final int HEADER_BYTES = 10;

    private final Schema readerSchema;
    private final Map<Long, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

    SingleObjectReader(Schema readerSchema) {
        this.readerSchema = readerSchema;
        addWriterSchema(readerSchema);
    }

    /** Lets values written with {@code writer} (an earlier version of the schema) be read. */
    SingleObjectReader<T> addWriterSchema(Schema writer) {
        readers.put(SchemaNormalization.parsingFingerprint64(writer), new SpecificDatumReader<>(writer, readerSchema));
        return this;
    }

    /** True when {@code value} starts with the single-object marker. */
    static boolean hasMarker(byte[] value) {
        return value.length >= 2 && value[0] == (byte) 0xC3 && value[1] == (byte) 0x01;
    }

    /** The record, or an exception whose message says what is wrong. */
    T read(byte[] value) throws IOException {
        if (!hasMarker(value) || value.length < HEADER_BYTES) {
            throw new IOException("not Avro single-object encoded: needs the marker 0xC3 0x01 and an 8-byte schema "
                    + "fingerprint");
        }
        long fingerprint = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        SpecificDatumReader<T> reader = readers.get(fingerprint);
        if (reader == null) {
            throw new UnknownSchemaException(String.format("unknown schema fingerprint %016x: not a %s of a known "
                    + "schema version", fingerprint, readerSchema.getName()));
        }
        BoundedBinaryDecoder in = new BoundedBinaryDecoder(value, HEADER_BYTES, value.length - HEADER_BYTES);
        T record = reader.read(null, in);
        if (in.remaining() != 0) {
            throw new IOException(in.remaining() + " bytes left after the " + readerSchema.getName() + " record");
        }
        return record;
    }

    /** The value names a writer schema this reader does not know. */
    static final class UnknownSchemaException extends IOException {
        UnknownSchemaException(String message) {
            super(message);
        }
    }
}
