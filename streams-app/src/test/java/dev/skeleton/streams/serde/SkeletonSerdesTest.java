package dev.skeleton.streams.serde;

import static dev.skeleton.streams.serde.TestRequests.avro;
import static dev.skeleton.streams.serde.TestRequests.request;
import static dev.skeleton.streams.serde.TestRequests.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.avro.ClassificationRequest;
import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.avro.Timings;
import dev.skeleton.streams.testkit.TestEngine;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

class SkeletonSerdesTest {

    private final Deserializer<ParsedRequest> requests = SkeletonSerdes.requests().deserializer();

    @Test
    void shouldDecodeAvroSingleObjectRequestWithFingerprintHeader() {
        ClassificationRequest sent = request("1", "mrpc", "a", "b", Map.of("k", "v"));
        byte[] bytes = avro(sent);

        ParsedRequest parsed = requests.deserialize("t", bytes);

        assertThat(bytes[0]).as("single-object marker").isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(parsed).isInstanceOf(ParsedRequest.Valid.class);
        assertThat(((ParsedRequest.Valid) parsed).request()).isEqualTo(sent);
        assertThat(parsed.raw()).isSameAs(bytes);
    }

    @Test
    void shouldDecodeJsonRequestWithOptionalFields() {
        ParsedRequest parsed = requests.deserialize("t", utf8(
                "\uFEFF  {\"id\":\"42\",\"task\":\"sst2\",\"text\":\"...\",\"textPair\":null}"));

        assertThat(parsed).isInstanceOf(ParsedRequest.Valid.class);
        ClassificationRequest r = ((ParsedRequest.Valid) parsed).request();
        assertThat(r.getId()).isEqualTo("42");
        assertThat(r.getTask()).isEqualTo("sst2");
        assertThat(r.getTextPair()).isNull();
        assertThat(r.getMetadata()).isEmpty();
    }

    @Test
    void shouldExplainWhatIsWrongWithBadJson() {
        assertThat(reason("{\"id\": \"1\", \"text\": 5}")).contains("'text' must be a string");
        assertThat(reason("{\"task\": \"sst2\", \"text\": \"a\"}")).contains("no 'id'");
        assertThat(reason("{\"id\": \"1\"}")).contains("no 'text'");
        assertThat(reason("{\"id\": \"1\", \"text\": \"a\", \"metadata\": {\"k\": {}}}")).contains("metadata 'k'");
        assertThat(reason("{\"id\": \"1\", \"text\": \"a\"} trailing")).contains("invalid JSON");
        assertThat(reason("{\"id\": \"1\", \"id\": \"2\", \"text\": \"a\"}")).contains("Duplicate field 'id'");
        assertThat(reason("{\"id\": \"1\", \"text\": \"a\"")).contains("invalid JSON");
    }

    @Test
    void shouldRefuseAvroRecordOfAnotherSchema() {
        ClassificationResult result = ClassificationResult.newBuilder().setRequestId("1").setTask("t").setLabel("l")
                .setProbabilities(List.of()).setSkeletonVersion(1).setBaseModelFingerprint("f")
                .setTimings(new Timings(0.0, 0.0, 1)).build();
        byte[] bytes = SkeletonSerdes.results().serializer().serialize("t", result);

        assertThat(reason(bytes)).contains("unknown schema fingerprint");
    }

    @Test
    void shouldRefuseTruncatedAvroRequest() {
        byte[] bytes = avro(request("1", "sst2", "a longer text", null, Map.of()));

        assertThat(reason(Arrays.copyOf(bytes, bytes.length - 4))).contains("corrupt Avro ClassificationRequest");
    }

    @Test
    void shouldNeverThrowOnRandomBytes() {
        Random random = new Random(11);
        for (int i = 0; i < 3_000; i++) {
            byte[] bytes = new byte[random.nextInt(80)];
            random.nextBytes(bytes);
            // two thirds carry a real single-object header, so the record decoding itself is exercised
            if (i % 3 == 0) {
                header(bytes, ClassificationRequest.getClassSchema());
            } else if (i % 3 == 1) {
                header(bytes, TaskSkeleton.getClassSchema());
            }
            assertThat(requests.deserialize("t", bytes)).isNotNull();
            assertThat(SkeletonSerdes.parseSkeleton(bytes)).isInstanceOf(ParsedSkeleton.Corrupt.class);
        }
    }

    @Test
    void shouldReadWhatAvrosOwnEncoderWroteAndViceVersa() throws Exception {
        ClassificationRequest sent = request("1", "sst2", "text", null, Map.of("a", "b"));

        byte[] ours = avro(sent);

        assertThat(ClassificationRequest.getDecoder().decode(ours)).isEqualTo(sent);
        assertThat(((ParsedRequest.Valid) requests.deserialize("t", ours)).request()).isEqualTo(sent);
    }

    @Test
    void shouldNotAllocateWhatACorruptLengthClaims() {
        // header and fingerprint of a real TaskSkeleton, then a taskId claiming to be ~1.9 GB long
        byte[] hostile = header(new byte[15], TaskSkeleton.getClassSchema());
        byte[] varint = {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0D}; // zigzag of ~1.9e9
        System.arraycopy(varint, 0, hostile, 10, 5);

        assertThat(SkeletonSerdes.parseSkeleton(hostile)).isInstanceOf(ParsedSkeleton.Corrupt.class);
        assertThat(requests.deserialize("t", hostile)).isInstanceOf(ParsedRequest.Unparseable.class);
    }

    @Test
    void shouldTreatNullSkeletonValueAsTombstone() {
        assertThat(SkeletonSerdes.parseSkeleton(null)).isInstanceOf(ParsedSkeleton.Tombstone.class);
    }

    @Test
    void shouldNotThrowOnDeeplyNestedJson() {
        String deep = "{\"id\": \"1\", \"text\": \"a\", \"metadata\": " + "[".repeat(100_000) + "]".repeat(100_000)
                + "}";

        assertThat(requests.deserialize("t", utf8(deep))).isInstanceOf(ParsedRequest.Unparseable.class);
    }

    @Test
    void shouldReadASkeletonWrittenWithTheFirstSchemaVersion() throws Exception {
        // Given a registry value as release 0.1 wrote it: TaskSkeleton before layerPrompts
        TaskSkeleton read = readAsWrittenWith("TaskSkeleton-v1.avsc", "2693b6b580e85d2c");

        // Then it is the same skeleton, with a shallow prompt
        assertThat(read.getLayerPrompts()).isEmpty();
    }

    @Test
    void shouldReadASkeletonWrittenWithTheSecondSchemaVersion() throws Exception {
        // Given a registry value written before ffnDeltas
        TaskSkeleton read = readAsWrittenWith("TaskSkeleton-v2.avsc", "088054f3a16ada23");

        // Then it is the same skeleton, with the base's FFN weights as they are
        assertThat(read.getFfnDeltas()).isEmpty();
    }

    @Test
    void shouldReadASkeletonWrittenWithTheThirdSchemaVersion() throws Exception {
        // Given a registry value written before the SIAMESE input kind
        TaskSkeleton read = readAsWrittenWith("TaskSkeleton-v3.avsc", "737faeb36fcb860f");

        // Then it is the same skeleton, and its input kind is one that version knew
        assertThat(read.getInput().getKind().name()).isIn("SINGLE", "PAIR");
    }

    /**
     * A current skeleton written with the kept historic schema {@code file} (whose parsing fingerprint must be
     * {@code fingerprint}, what that release wrote), read back by the registry's parser.
     */
    private static TaskSkeleton readAsWrittenWith(String file, String fingerprint) throws Exception {
        Schema old = SkeletonSerdes.historicSchema(file);
        assertThat(String.format("%016x", SchemaNormalization.parsingFingerprint64(old)))
                .as("the kept schema must be exactly what that release wrote").isEqualTo(fingerprint);
        TaskSkeleton current = TestEngine.skeleton("sst2", 3);
        GenericData.Record record = new GenericData.Record(old);
        for (Schema.Field f : old.getFields()) {
            record.put(f.name(), current.get(f.name()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header(new byte[10], old));
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<Object>(old, SpecificData.get()).write(record, encoder);
        encoder.flush();

        ParsedSkeleton parsed = SkeletonSerdes.parseSkeleton(out.toByteArray());

        assertThat(parsed).isInstanceOf(ParsedSkeleton.Present.class);
        TaskSkeleton read = ((ParsedSkeleton.Present) parsed).skeleton();
        assertThat(read).isEqualTo(current);
        return read;
    }

    /** Writes the single-object header of {@code schema} over the first 10 bytes, if there is room. */
    private static byte[] header(byte[] bytes, Schema schema) {
        if (bytes.length >= 10) {
            bytes[0] = (byte) 0xC3;
            bytes[1] = 0x01;
            ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(SchemaNormalization.parsingFingerprint64(schema));
        }
        return bytes;
    }

    private String reason(String json) {
        return reason(utf8(json));
    }

    private String reason(byte[] bytes) {
        ParsedRequest parsed = requests.deserialize("t", bytes);
        assertThat(parsed).isInstanceOf(ParsedRequest.Unparseable.class);
        return ((ParsedRequest.Unparseable) parsed).reason();
    }
}
