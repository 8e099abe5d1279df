package dev.skeleton.streams;

import static dev.skeleton.streams.SkeletonTopologyTest.avro;
import static dev.skeleton.streams.SkeletonTopologyTest.request;
import static dev.skeleton.streams.SkeletonTopologyTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.avro.ClassificationRequest;
import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.avro.Timings;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

class SkeletonSerdesTest {

    private final Deserializer<ParsedRequest> requests = SkeletonSerdes.requests().deserializer();
    private final Deserializer<ParsedSkeleton> skeletons = SkeletonSerdes.skeletons().deserializer();

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
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            if (i % 3 == 0 && bytes.length > 2) {
                // make many of them look like single-object Avro, so the decoder itself is exercised
                bytes[0] = (byte) 0xC3;
                bytes[1] = 0x01;
            }
            assertThat(requests.deserialize("t", bytes)).isNotNull();
            assertThat(skeletons.deserialize("t", bytes)).isInstanceOf(ParsedSkeleton.Corrupt.class);
        }
    }

    @Test
    void shouldTreatNullSkeletonValueAsTombstone() {
        assertThat(skeletons.deserialize("t", null)).isInstanceOf(ParsedSkeleton.Tombstone.class);
    }

    @Test
    void shouldNotThrowOnDeeplyNestedJson() {
        String deep = "{\"id\": \"1\", \"text\": \"a\", \"metadata\": " + "[".repeat(100_000) + "]".repeat(100_000)
                + "}";

        assertThat(requests.deserialize("t", utf8(deep))).isInstanceOf(ParsedRequest.Unparseable.class);
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
