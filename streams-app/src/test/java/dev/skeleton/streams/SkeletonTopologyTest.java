package dev.skeleton.streams;

import static dev.skeleton.streams.serde.TestRequests.avro;
import static dev.skeleton.streams.serde.TestRequests.request;
import static dev.skeleton.streams.serde.TestRequests.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.avro.LabelProbability;
import dev.skeleton.streams.serde.SkeletonSerdes;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The request path of the topology, driven by TopologyTestDriver with a stub classifier. */
class SkeletonTopologyTest {

    private static final byte[] KEY = "key-1".getBytes(StandardCharsets.UTF_8);

    /** Real Vert.x workers: results cross threads as in production (the driver commits, so drains, after each record).
     * */
    private static VertxInferenceWorkers workers;

    @BeforeAll
    static void startWorkers() {
        workers = VertxInferenceWorkers.standalone(2);
    }

    @AfterAll
    static void stopWorkers() {
        workers.close();
    }

    private final StubClassifier classifier =
            new StubClassifier(Map.of("sst2", 3L, "mrpc", 7L), List.of("mrpc"));
    private TopologyTestDriver driver;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    // ---- labeled output -------------------------------------------------------------------------------------

    @Test
    void shouldLabelAvroRequestKeepingKeyAndNamingVersion() {
        // Given the service with default topics
        start(Map.of());

        // When an Avro request for sst2 arrives
        input("skeleton.requests").pipeInput(KEY, avro(request("r1", "sst2", "a good movie", null,
                Map.of("source", "test"))));

        // Then one result, same key, names task, label, version and fingerprint, and copies the metadata
        TestRecord<byte[], ClassificationResult> out = results("skeleton.labels").readRecord();
        ClassificationResult r = out.value();
        assertThat(out.key()).as("key preserved").isEqualTo(KEY);
        assertThat(r.getRequestId()).isEqualTo("r1");
        assertThat(r.getTask()).isEqualTo("sst2");
        assertThat(r.getLabel()).isEqualTo("positive");
        assertThat(r.getProbabilities()).extracting(LabelProbability::getLabel).containsExactly("negative", "positive");
        assertThat(r.getProbabilities()).extracting(LabelProbability::getProbability).containsExactly(0.1f, 0.9f);
        assertThat(r.getSkeletonVersion()).as("version that produced it").isEqualTo(3L);
        assertThat(r.getBaseModel()).isEqualTo(StubClassifier.BASE_MODEL);
        assertThat(r.getBaseModelFingerprint()).isEqualTo(StubClassifier.FINGERPRINT);
        assertThat(r.getTimings().getBatchSize()).isEqualTo(1);
        assertThat(r.getTimings().getInferenceMs()).isEqualTo(1.5);
        assertThat(r.getMetadata()).containsEntry("source", "test");
        assertThat(deadLetters().isEmpty()).as("no dead letters").isTrue();
    }

    @Test
    void shouldLabelJsonRequestFromConsoleProducer() {
        // Given the service
        start(Map.of());

        // When a hand-written JSON request arrives (numeric id, metadata with a number)
        input("skeleton.requests").pipeInput(KEY, utf8(
                "{\"id\": 42, \"task\": \"sst2\", \"text\": \"not bad\", \"metadata\": {\"n\": 1}}\n"));

        // Then it is labeled like an Avro request
        ClassificationResult r = results("skeleton.labels").readValue();
        assertThat(r.getRequestId()).isEqualTo("42");
        assertThat(r.getLabel()).isEqualTo("negative");
        assertThat(r.getMetadata()).containsEntry("n", "1");
    }

    @Test
    void shouldLabelPairTaskWithTextPair() {
        start(Map.of());

        input("skeleton.requests").pipeInput(KEY, utf8(
                "{\"id\": \"p1\", \"task\": \"mrpc\", \"text\": \"good a\", \"textPair\": \"b\"}"));

        ClassificationResult r = results("skeleton.labels").readValue();
        assertThat(r.getTask()).isEqualTo("mrpc");
        assertThat(r.getSkeletonVersion()).isEqualTo(7L);
    }

    @Test
    void shouldForwardEveryHeldResultBeforeTheCommitOfItsOffset() {
        // Given batches that would wait 10 s to fill up to 32
        start(Map.of(StreamsAppConfig.BATCH_MAX_SIZE, "32", StreamsAppConfig.BATCH_MAX_DELAY_MS, "10000"));

        // When one request arrives (the test driver commits after every record, as a stream thread may at any time)
        input("skeleton.requests").pipeInput(KEY, utf8("{\"id\": \"held\", \"task\": \"sst2\", \"text\": \"good\"}"));

        // Then the commit did not wait for the batch to fill: it ran the batch and forwarded the result first
        assertThat(results("skeleton.labels").readValue().getRequestId()).isEqualTo("held");
        assertThat(classifier.batches).containsExactly(1);
    }

    // ---- where the task comes from --------------------------------------------------------------------------

    @Test
    void shouldTakeTaskFromHeaderWhenRecordNamesNone() {
        start(Map.of());

        input("skeleton.requests").pipeInput(new TestRecord<>(KEY, avro(request("h1", null, "good", null, Map.of())),
                headers("task", "sst2")));

        assertThat(results("skeleton.labels").readValue().getTask()).isEqualTo("sst2");
    }

    @Test
    void shouldTakeTaskFromTopicMappingWhenNoRecordTaskNorHeader() {
        // Given a second input topic mapped to mrpc
        start(Map.of(StreamsAppConfig.INPUT_TOPICS, "skeleton.requests,pairs",
                StreamsAppConfig.TOPIC_TASK_MAPPING, "pairs:mrpc"));

        // When a request without task arrives on it
        input("pairs").pipeInput(KEY, utf8("{\"id\": \"m1\", \"text\": \"a\", \"textPair\": \"b\"}"));

        // Then the mapping decides
        assertThat(results("skeleton.labels").readValue().getTask()).isEqualTo("mrpc");
    }

    @Test
    void shouldPreferRecordTaskOverHeaderOverMapping() {
        start(Map.of(StreamsAppConfig.TOPIC_TASK_MAPPING, "skeleton.requests:mrpc"));
        TestInputTopic<byte[], byte[]> in = input("skeleton.requests");

        in.pipeInput(new TestRecord<>(KEY, avro(request("a", "sst2", "x", null, Map.of())), headers("task", "mrpc")));
        in.pipeInput(new TestRecord<>(KEY, avro(request("b", null, "x", null, Map.of())), headers("task", "sst2")));

        List<ClassificationResult> out = results("skeleton.labels").readValuesToList();
        assertThat(out).extracting(ClassificationResult::getTask).as("record, then header")
                .containsExactly("sst2", "sst2");
    }

    @Test
    void shouldReadEveryTopicMatchingInputPattern() {
        start(Map.of(StreamsAppConfig.INPUT_PATTERN, "requests\\..*"));

        input("requests.eu").pipeInput(KEY, utf8("{\"id\": \"1\", \"task\": \"sst2\", \"text\": \"good\"}"));
        input("requests.us").pipeInput(KEY, utf8("{\"id\": \"2\", \"task\": \"sst2\", \"text\": \"good\"}"));

        assertThat(results("skeleton.labels").readValuesToList()).extracting(ClassificationResult::getRequestId)
                .containsExactly("1", "2");
    }

    @Test
    void shouldWriteEachTaskToItsOwnTopicWhenOutputPerTask() {
        start(Map.of(StreamsAppConfig.OUTPUT_PER_TASK, "true"));
        TestInputTopic<byte[], byte[]> in = input("skeleton.requests");

        in.pipeInput(KEY, utf8("{\"id\": \"s\", \"task\": \"sst2\", \"text\": \"good\"}"));
        in.pipeInput(KEY, utf8("{\"id\": \"m\", \"task\": \"mrpc\", \"text\": \"a\", \"textPair\": \"b\"}"));

        assertThat(results("skeleton.labels.sst2").readValuesToList()).extracting(ClassificationResult::getRequestId)
                .containsExactly("s");
        assertThat(results("skeleton.labels.mrpc").readValuesToList()).extracting(ClassificationResult::getRequestId)
                .containsExactly("m");
        assertThat(results("skeleton.labels").isEmpty()).as("nothing on the shared topic").isTrue();
    }

    // ---- dead letters ---------------------------------------------------------------------------------------

    @Test
    void shouldRouteUnparseableValueToDeadLetterTopicWithOriginalBytesAndSource() {
        start(Map.of());
        TestInputTopic<byte[], byte[]> in = input("skeleton.requests");
        byte[] garbage = {0x00, 0x01, 0x02, (byte) 0xFF};

        // a good record first, so the bad one is at offset 1
        in.pipeInput(KEY, utf8("{\"id\": \"ok\", \"task\": \"sst2\", \"text\": \"good\"}"));
        in.pipeInput(KEY, garbage);

        TestRecord<byte[], byte[]> dead = deadLetters().readRecord();
        assertThat(dead.key()).as("original key").isEqualTo(KEY);
        assertThat(dead.value()).as("original value").isEqualTo(garbage);
        assertThat(header(dead, DeadLetters.KIND_HEADER)).isEqualTo("UNPARSEABLE");
        assertThat(header(dead, DeadLetters.REASON_HEADER)).contains("neither Avro", "00 01 02 ff");
        assertThat(header(dead, DeadLetters.TOPIC_HEADER)).isEqualTo("skeleton.requests");
        assertThat(header(dead, DeadLetters.PARTITION_HEADER)).isEqualTo("0");
        assertThat(header(dead, DeadLetters.OFFSET_HEADER)).isEqualTo("1");
        assertThat(results("skeleton.labels").readValuesToList()).as("the good record still labeled").hasSize(1);
    }

    @Test
    void shouldRouteJsonWithUnknownFieldToDeadLetterTopic() {
        start(Map.of());

        input("skeleton.requests").pipeInput(KEY, utf8("{\"id\": \"1\", \"task\": \"mrpc\", \"text\": \"a\", "
                + "\"text_pair\": \"b\"}"));

        TestRecord<byte[], byte[]> dead = deadLetters().readRecord();
        assertThat(header(dead, DeadLetters.REASON_HEADER)).contains("unknown field 'text_pair'");
        assertThat(classifier.calls).as("never classified").isEmpty();
    }

    @Test
    void shouldRouteRecordWithoutValueToDeadLetterTopic() {
        start(Map.of());

        input("skeleton.requests").pipeInput(KEY, (byte[]) null);

        TestRecord<byte[], byte[]> dead = deadLetters().readRecord();
        assertThat(dead.value()).isNull();
        assertThat(header(dead, DeadLetters.REASON_HEADER)).contains("no value");
    }

    @Test
    void shouldRouteRequestWithoutTaskToDeadLetterTopic() {
        start(Map.of());

        input("skeleton.requests").pipeInput(KEY, utf8("{\"id\": \"7\", \"text\": \"good\"}"));

        TestRecord<byte[], byte[]> dead = deadLetters().readRecord();
        assertThat(header(dead, DeadLetters.KIND_HEADER)).isEqualTo("NO_TASK");
        assertThat(header(dead, DeadLetters.REASON_HEADER)).contains("'7'", "names no task", "task.mapping");
    }

    @Test
    void shouldRouteUnknownTaskToDeadLetterTopicAndNeverToAnotherModel() {
        start(Map.of());

        input("skeleton.requests").pipeInput(KEY, utf8("{\"id\": \"u\", \"task\": \"sentiment\", \"text\": \"good\"}"));

        TestRecord<byte[], byte[]> dead = deadLetters().readRecord();
        assertThat(header(dead, DeadLetters.KIND_HEADER)).isEqualTo("UNKNOWN_TASK");
        assertThat(header(dead, DeadLetters.REASON_HEADER)).contains("'sentiment'");
        assertThat(header(dead, DeadLetters.TASK_HEADER)).isEqualTo("sentiment");
        assertThat(results("skeleton.labels").isEmpty()).as("no fallback label").isTrue();
    }

    @Test
    void shouldRouteEmptyTextToDeadLetterTopic() {
        start(Map.of());

        input("skeleton.requests").pipeInput(KEY, utf8("{\"id\": \"e\", \"task\": \"sst2\", \"text\": \"  \"}"));

        TestRecord<byte[], byte[]> dead = deadLetters().readRecord();
        assertThat(header(dead, DeadLetters.KIND_HEADER)).isEqualTo("EMPTY_TEXT");
        assertThat(header(dead, DeadLetters.REASON_HEADER)).contains("text is empty");
        assertThat(classifier.calls).isEmpty();
    }

    @Test
    void shouldRouteOversizedTextToDeadLetterTopicInsteadOfTruncating() {
        start(Map.of(StreamsAppConfig.MAX_TEXT_CHARS, "10"));

        input("skeleton.requests").pipeInput(KEY, avro(request("o", "sst2", "good but far too long", null, Map.of())));

        TestRecord<byte[], byte[]> dead = deadLetters().readRecord();
        assertThat(header(dead, DeadLetters.KIND_HEADER)).isEqualTo("TEXT_TOO_LONG");
        assertThat(header(dead, DeadLetters.REASON_HEADER)).contains("21 characters", "max.text.chars=10");
    }

    @Test
    void shouldRoutePairTaskWithoutTextPairToDeadLetterTopic() {
        start(Map.of());

        input("skeleton.requests").pipeInput(KEY, utf8("{\"id\": \"p\", \"task\": \"mrpc\", \"text\": \"a\"}"));

        TestRecord<byte[], byte[]> dead = deadLetters().readRecord();
        assertThat(header(dead, DeadLetters.KIND_HEADER)).isEqualTo("WRONG_INPUT_SHAPE");
        assertThat(header(dead, DeadLetters.REASON_HEADER)).contains("'p'", "textPair");
    }

    @Test
    void shouldRouteInferenceFailureToDeadLetterTopicAndKeepRunning() {
        start(Map.of());
        TestInputTopic<byte[], byte[]> in = input("skeleton.requests");

        in.pipeInput(KEY, utf8("{\"id\": \"b\", \"task\": \"sst2\", \"text\": \"boom\"}"));
        in.pipeInput(KEY, utf8("{\"id\": \"g\", \"task\": \"sst2\", \"text\": \"good\"}"));

        TestRecord<byte[], byte[]> dead = deadLetters().readRecord();
        assertThat(header(dead, DeadLetters.KIND_HEADER)).isEqualTo("INFERENCE_FAILED");
        assertThat(header(dead, DeadLetters.REASON_HEADER)).contains("model exploded");
        assertThat(results("skeleton.labels").readValue().getRequestId()).as("next record labeled").isEqualTo("g");
    }

    @Test
    void shouldKeepOriginalHeadersOnDeadLetters() {
        start(Map.of());

        input("skeleton.requests").pipeInput(new TestRecord<>(KEY, utf8("nope"), headers("trace-id", "abc")));

        assertThat(header(deadLetters().readRecord(), "trace-id")).isEqualTo("abc");
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private void start(Map<String, String> overrides) {
        Map<String, Object> props = new HashMap<>(Map.of(StreamsAppConfig.BOOTSTRAP_SERVERS, "unused:9092"));
        props.putAll(overrides);
        StreamsAppConfig config = new StreamsAppConfig(props);
        StreamsBuilder builder = SkeletonTopology.build(new StreamsBuilder(), config, classifier, workers,
                ServiceMetrics.inMemory());
        driver = new TopologyTestDriver(builder.build(), config.toStreamsProperties());
    }

    private TestInputTopic<byte[], byte[]> input(String topic) {
        return driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private TestOutputTopic<byte[], ClassificationResult> results(String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), SkeletonSerdes.resultDeserializer());
    }

    private TestOutputTopic<byte[], byte[]> deadLetters() {
        return driver.createOutputTopic("skeleton.dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Headers headers(String name, String value) {
        return new RecordHeaders().add(name, utf8(value));
    }

    static String header(TestRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        assertThat(h).as("header " + name).isNotNull();
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
