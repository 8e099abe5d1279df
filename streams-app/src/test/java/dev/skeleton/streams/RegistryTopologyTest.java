package dev.skeleton.streams;

import static dev.skeleton.streams.SkeletonTopologyTest.header;
import static dev.skeleton.streams.serde.TestRequests.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.avro.LabelProbability;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import dev.skeleton.streams.registry.RegistrySigner;
import dev.skeleton.streams.registry.RegistryTaskClassifier;
import dev.skeleton.streams.registry.SkeletonRegistry;
import dev.skeleton.streams.serde.SkeletonSerdes;
import dev.skeleton.streams.testkit.TestEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole topology, registry topic included, with the real engine: publish, swap, retire, refuse. */
class RegistryTopologyTest {

    private static final byte[] KEY = utf8("k");

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

    private SkeletonRegistry registry;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> registryTopic;
    private TestInputTopic<byte[], byte[]> requests;
    private TestOutputTopic<byte[], ClassificationResult> results;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        start(Map.of());
    }

    private void start(Map<String, String> settings) {
        Map<String, String> props = new HashMap<>(settings);
        props.put(StreamsAppConfig.BOOTSTRAP_SERVERS, "unused:9092");
        StreamsAppConfig config = new StreamsAppConfig(props);
        registry = new SkeletonRegistry(TestEngine.engine()::load);
        StreamsBuilder builder = new StreamsBuilder();
        SkeletonTopology.build(builder, config, new RegistryTaskClassifier(registry), workers,
                ServiceMetrics.inMemory());
        SkeletonTopology.addRegistry(builder, config, registry);
        driver = new TopologyTestDriver(builder.build(), config.toStreamsProperties());
        registryTopic = driver.createInputTopic("skeleton.tasks", new StringSerializer(), new ByteArraySerializer());
        requests = driver.createInputTopic("skeleton.requests", new ByteArraySerializer(), new ByteArraySerializer());
        results = driver.createOutputTopic("skeleton.labels", new ByteArrayDeserializer(),
                SkeletonSerdes.resultDeserializer());
        deadLetters = driver.createOutputTopic("skeleton.dlq", new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        driver.close();
        registry.close();
    }

    @Test
    void shouldLabelWithPublishedSkeletonAndNameEachVersionAfterSwapAndRetire() {
        // Given sst2 v1 published
        publish(TestEngine.skeleton("sst2", 1));

        // When a request arrives, v2 is published, another request arrives, then sst2 is retired
        request("a", "a gorgeous, witty, seductive movie.");
        publish(TestEngine.skeleton("sst2", 2));
        request("b", "unflinchingly bleak and desperate");
        registryTopic.pipeInput("sst2", (byte[]) null);
        request("c", "too late");

        // Then a is labeled by v1, b by v2 (with real probabilities), and c is a dead letter
        ClassificationResult a = results.readValue();
        ClassificationResult b = results.readValue();
        assertThat(a.getSkeletonVersion()).isEqualTo(1);
        assertThat(b.getSkeletonVersion()).isEqualTo(2);
        assertThat(b.getBaseModelFingerprint()).isEqualTo(TestEngine.base().fingerprint());
        assertThat(b.getProbabilities()).extracting(LabelProbability::getLabel).containsExactly("negative", "positive");
        double sum = b.getProbabilities().stream().mapToDouble(LabelProbability::getProbability).sum();
        assertThat(sum).as("softmax").isCloseTo(1.0, Offset.offset(1e-4));
        assertThat(b.getLabel()).isEqualTo(b.getProbabilities().get(0).getProbability()
                > b.getProbabilities().get(1).getProbability() ? "negative" : "positive");
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, DeadLetters.KIND_HEADER)).isEqualTo("UNKNOWN_TASK");
        assertThat(header(dead, DeadLetters.REASON_HEADER)).contains("no skeleton is serving task 'sst2'");
        assertThat(results.isEmpty()).isTrue();
    }

    @Test
    void shouldRefuseCorruptAndInvalidRegistryValuesAndKeepServing() {
        // Given sst2 v1 serving
        publish(TestEngine.skeleton("sst2", 1));

        // When a corrupt value and an invalid v2 arrive on the registry topic
        registryTopic.pipeInput("sst2", new byte[] {(byte) 0xC3, 0x01, 1, 2, 3});
        publish(TestEngine.foreignSkeleton("sst2", 2));
        request("a", "still served");

        // Then both are refused and v1 still labels
        assertThat(registry.refusalCount()).isEqualTo(2);
        assertThat(registry.refusal("sst2").orElseThrow().version()).isEqualTo(2);
        assertThat(results.readValue().getSkeletonVersion()).isEqualTo(1);
    }

    @Test
    void shouldExplainWhyATaskWhoseOnlyVersionWasRefusedIsUnknown() {
        publish(TestEngine.foreignSkeleton("rte", 1));

        requests.pipeInput(KEY, utf8("{\"id\": \"r\", \"task\": \"rte\", \"text\": \"a\"}"));

        assertThat(header(deadLetters.readRecord(), DeadLetters.REASON_HEADER))
                .contains("its latest version v1 was refused", "fingerprint");
    }

    @Test
    void shouldRouteTextPairForSingleTextTaskToDeadLetterTopic() {
        publish(TestEngine.skeleton("sst2", 1));

        requests.pipeInput(KEY, utf8("{\"id\": \"p\", \"task\": \"sst2\", \"text\": \"a\", \"textPair\": \"b\"}"));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, DeadLetters.KIND_HEADER)).isEqualTo("WRONG_INPUT_SHAPE");
        assertThat(header(dead, DeadLetters.REASON_HEADER)).contains("single texts");
    }

    @Test
    void shouldLabelTextPairsOfASiameseTaskAndRefuseARequestWithoutItsPair() {
        // Given a SIAMESE pair task published through the registry topic
        publish(SyntheticSkeletons.siamese(TestEngine.skeleton("mrpc", 1), 5));

        // When a pair and a lone text arrive
        requests.pipeInput(KEY, utf8("{\"id\": \"p\", \"task\": \"mrpc\", \"text\": \"A man plays a guitar.\", "
                + "\"textPair\": \"Someone makes music.\"}"));
        requests.pipeInput(KEY, utf8("{\"id\": \"q\", \"task\": \"mrpc\", \"text\": \"alone\"}"));

        // Then the pair is labeled by v1 and the lone text is a dead letter that says why
        ClassificationResult labeled = results.readValue();
        assertThat(labeled.getRequestId()).isEqualTo("p");
        assertThat(labeled.getSkeletonVersion()).isEqualTo(1);
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, DeadLetters.KIND_HEADER)).isEqualTo("WRONG_INPUT_SHAPE");
        assertThat(header(dead, DeadLetters.REASON_HEADER)).contains("classifies text pairs");
    }

    @Test
    void shouldServeOnlyRecordsSignedWithTheConfiguredKey() throws Exception {
        // Given a service with a signing key, serving sst2 v1 signed with it
        Path key = Files.writeString(dir.resolve("signing.key"), "0123456789abcdef".repeat(4) + "\n");
        close();
        start(Map.of(StreamsAppConfig.REGISTRY_SIGNING_KEY, "file:" + key));
        RegistrySigner signer = new RegistrySigner("0123456789abcdef".repeat(4).getBytes(StandardCharsets.UTF_8));
        RegistrySigner other = new RegistrySigner("fedcba9876543210".repeat(4).getBytes(StandardCharsets.UTF_8));
        byte[] v1 = SkeletonSerdes.skeletonSerializer().serialize("skeleton.tasks", TestEngine.skeleton("sst2", 1));
        registryTopic.pipeInput(signed("sst2", v1, signer));
        assertThat(registry.versions()).containsEntry("sst2", 1L);

        // When v2 arrives unsigned, v3 signed with another key, v4 signed but changed after signing, an unsigned
        // tombstone, and the signed v1 record replayed under another task's key
        byte[] v2 = SkeletonSerdes.skeletonSerializer().serialize("skeleton.tasks", TestEngine.skeleton("sst2", 2));
        publish(TestEngine.skeleton("sst2", 2));
        registryTopic.pipeInput(signed("sst2", v2, other));
        TestRecord<String, byte[]> tampered = signed("sst2", v2, signer);
        registryTopic.pipeInput(new TestRecord<>("sst2",
                SkeletonSerdes.skeletonSerializer().serialize("skeleton.tasks", TestEngine.skeleton("sst2", 4)),
                tampered.headers()));
        registryTopic.pipeInput("sst2", (byte[]) null);
        TestRecord<String, byte[]> replayed = signed("sst2", v1, signer);
        registryTopic.pipeInput(new TestRecord<>("other", v1, replayed.headers()));

        // Then each is refused, saying why, and v1 keeps serving
        assertThat(registry.refusalCount()).isEqualTo(5);
        assertThat(registry.refusal("sst2").orElseThrow().reason()).startsWith("tombstone not signed");
        assertThat(registry.refusal("other").orElseThrow().reason()).contains("does not match");
        assertThat(registry.versions()).containsOnly(Map.entry("sst2", 1L));
        request("a", "still served");
        assertThat(results.readValue().getSkeletonVersion()).isEqualTo(1);

        // and a signed v2 and a signed tombstone are applied
        registryTopic.pipeInput(signed("sst2", v2, signer));
        assertThat(registry.versions()).containsEntry("sst2", 2L);
        registryTopic.pipeInput(signed("sst2", null, signer));
        assertThat(registry.versions()).isEmpty();
    }

    private static TestRecord<String, byte[]> signed(String taskId, byte[] value, RegistrySigner signer) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(RegistrySigner.HEADER, signer.sign(taskId, value));
        return new TestRecord<>(taskId, value, headers);
    }

    private void publish(TaskSkeleton skeleton) {
        registryTopic.pipeInput(skeleton.getTaskId(),
                SkeletonSerdes.skeletonSerializer().serialize("skeleton.tasks", skeleton));
    }

    private void request(String id, String text) {
        requests.pipeInput(KEY, utf8("{\"id\": \"" + id + "\", \"task\": \"sst2\", \"text\": \"" + text + "\"}"));
    }
}
