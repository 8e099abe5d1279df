package dev.skeleton.streams.serde;

import dev.skeleton.avro.ClassificationRequest;
import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.avro.TaskSkeleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Every value format on the service's topics. Values are Avro single-object encoded: each message carries its
 * writer schema's fingerprint, so schemas can evolve without a schema registry server.
 *
 * <p>What Kafka Streams reads never throws: a bad request becomes a value that says what is wrong, routed to the
 * dead-letter topic ({@link #requests()}), and registry values arrive as bytes, checked for a signature first and
 * parsed by {@link #parseSkeleton} into a value the registry refuses. Poison pills and broken global-store restores
 * (KAFKA-8037) are impossible by construction.
 */
public final class SkeletonSerdes {

    /** Reads every TaskSkeleton version: a registry topic may still hold values from earlier releases. */
    private static final SingleObjectReader<TaskSkeleton> SKELETON_READER =
            new SingleObjectReader<TaskSkeleton>(TaskSkeleton.getClassSchema())
                    .addWriterSchema(historicSchema("TaskSkeleton-v1.avsc"))
                    .addWriterSchema(historicSchema("TaskSkeleton-v2.avsc"))
                    .addWriterSchema(historicSchema("TaskSkeleton-v3.avsc"));
    private static final SingleObjectReader<ClassificationResult> RESULT_READER =
            new SingleObjectReader<>(ClassificationResult.getClassSchema());

    private static final Serde<ParsedRequest> REQUESTS = Serdes.serdeFrom(
            (topic, parsed) -> parsed == null ? null : parsed.raw(),
            (topic, bytes) -> RequestParser.parse(bytes));

    private static final Serde<ClassificationResult> RESULTS = Serdes.serdeFrom(
            (topic, result) -> result == null ? null : bytes(encode(result)),
            (topic, bytes) -> bytes == null ? null : decodeResult(bytes));

    private SkeletonSerdes() {}

    /** An earlier version of a schema, kept in the schemas jar under {@code dev/skeleton/avro/history}. */
    static Schema historicSchema(String file) {
        String resource = "/dev/skeleton/avro/history/" + file;
        try (InputStream in = SkeletonSerdes.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource " + resource + " is missing from the classpath");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema resource " + resource, e);
        }
    }

    /** Request values: Avro single-object or JSON in, never throws; serializing writes back the original bytes. */
    public static Serde<ParsedRequest> requests() {
        return REQUESTS;
    }

    /** Result values, Avro single-object encoded. The deserializer is for consumers and throws on bad bytes. */
    public static Serde<ClassificationResult> results() {
        return RESULTS;
    }

    /** For producers of requests (clients, tests, benchmarks): Avro single-object encoding. */
    public static Serializer<ClassificationRequest> requestSerializer() {
        return (topic, request) -> request == null ? null : bytes(encode(request));
    }

    /** For publishers to the registry topic: Avro single-object encoding; null is a tombstone. */
    public static Serializer<TaskSkeleton> skeletonSerializer() {
        return (topic, skeleton) -> skeleton == null ? null : serializeSkeleton(skeleton);
    }

    /** For consumers of results. */
    public static Deserializer<ClassificationResult> resultDeserializer() {
        return RESULTS.deserializer();
    }

    /**
     * A registry value, read with the service's bounded decoder: a skeleton, a tombstone (null) or a corrupt value;
     * never throws.
     */
    public static ParsedSkeleton parseSkeleton(byte[] bytes) {
        if (bytes == null) {
            return new ParsedSkeleton.Tombstone();
        }
        try {
            return new ParsedSkeleton.Present(SKELETON_READER.read(bytes));
        } catch (IOException | RuntimeException | StackOverflowError e) {
            return new ParsedSkeleton.Corrupt("not a readable TaskSkeleton (starting "
                    + RequestParser.hexPreview(bytes) + "): " + e.getMessage());
        }
    }

    private static byte[] serializeSkeleton(TaskSkeleton skeleton) {
        try {
            return bytes(TaskSkeleton.getEncoder().encode(skeleton));
        } catch (IOException e) {
            throw new SerializationException("cannot encode skeleton " + skeleton.getTaskId(), e);
        }
    }

    private static ByteBuffer encode(ClassificationRequest request) {
        try {
            return ClassificationRequest.getEncoder().encode(request);
        } catch (IOException e) {
            throw new SerializationException("cannot encode request " + request.getId(), e);
        }
    }

    private static ByteBuffer encode(ClassificationResult result) {
        try {
            return ClassificationResult.getEncoder().encode(result);
        } catch (IOException e) {
            throw new SerializationException("cannot encode result " + result.getRequestId(), e);
        }
    }

    private static ClassificationResult decodeResult(byte[] bytes) {
        try {
            return RESULT_READER.read(bytes);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("not an Avro ClassificationResult: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
