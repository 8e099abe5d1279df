package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.streams.serde.SkeletonSerdes;
import dev.skeleton.streams.testkit.TestEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Records under the broker's 1 MB limit whose output would have been over it, and an output the producer refuses, on a
 * real broker with the real engine: each becomes one bounded dead letter, the next request is labeled, and the
 * service keeps running (before, each one stopped it, and a restart read it again).
 */
class OversizedRecordsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static TestBroker broker;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void startBroker() {
        broker = TestBroker.start();
        producer = broker.producer();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldDeadLetterEachOversizedFieldAsOneBoundedRecordAndKeepLabeling() throws Exception {
        Topics t = new Topics("big");
        try (SkeletonStreamsApp app = start(t, Map.of())) {
            send(t.in(), "task-header", "{\"id\": \"task-header\", \"text\": \"fine\"}", "a".repeat(400_000));
            send(t.in(), "long-id", "{\"id\": \"" + "i".repeat(600_000) + "\", \"task\": \"sst2\", \"text\": \"\"}",
                    null);
            send(t.in(), "metadata", "{\"id\": \"metadata\", \"task\": \"sst2\", \"text\": \"fine\", \"metadata\": "
                    + "{\"k\": \"" + "v".repeat(900_000) + "\"}}", null);
            send(t.in(), "task-name", "{\"id\": \"task-name\", \"task\": \"" + "b".repeat(450_000) + "\", "
                    + "\"text\": \"fine\"}", null);
            send(t.in(), "after", "{\"id\": \"after\", \"task\": \"sst2\", \"text\": \"a fine film\"}", null);

            Map<String, ConsumerRecord<byte[], byte[]>> dead = byKey(broker.readCommitted(t.dlq(), 4, r -> true,
                    TIMEOUT));
            assertThat(dead).containsOnlyKeys("task-header", "long-id", "metadata", "task-name");
            assertThat(header(dead.get("task-header"), DeadLetters.KIND_HEADER)).isEqualTo("UNKNOWN_TASK");
            assertThat(header(dead.get("task-header"), DeadLetters.REASON_HEADER)).contains("is not a task id");
            assertThat(header(dead.get("task-header"), DeadLetters.HEADERS_DROPPED_HEADER))
                    .as("the 400 KB task header is not copied").isEqualTo("1");
            assertThat(header(dead.get("long-id"), DeadLetters.KIND_HEADER)).isEqualTo("OVERSIZED_FIELD");
            assertThat(header(dead.get("long-id"), DeadLetters.REASON_HEADER)).contains("max.id.chars=256");
            assertThat(header(dead.get("metadata"), DeadLetters.KIND_HEADER)).isEqualTo("OVERSIZED_FIELD");
            assertThat(header(dead.get("metadata"), DeadLetters.REASON_HEADER)).contains("max.metadata.bytes=16384");
            assertThat(Integer.parseInt(header(dead.get("metadata"), DeadLetters.VALUE_BYTES_HEADER)))
                    .as("original size, the copy being cut").isGreaterThan(900_000);
            assertThat(header(dead.get("task-name"), DeadLetters.KIND_HEADER)).isEqualTo("UNKNOWN_TASK");
            for (ConsumerRecord<byte[], byte[]> r : dead.values()) {
                assertThat(size(r)).as("dead letter of %s, bytes", key(r)).isLessThanOrEqualTo(560_000);
                assertThat(header(r, DeadLetters.OFFSET_HEADER)).as("points to the whole original").isNotBlank();
            }

            ConsumerRecord<byte[], byte[]> labeled = broker.readCommitted(t.out(), 1, r -> true, TIMEOUT).get(0);
            assertThat(result(labeled).getRequestId()).isEqualTo("after");
            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    @Test
    void shouldTurnAnOutputTheProducerRefusesIntoASmallDeadLetterAndKeepLabeling() throws Exception {
        Topics t = new Topics("refused");
        // results over the producer's 6,000-byte max.request.size are refused; metadata of 8,000 bytes is within the
        // service's own limits (16 KiB), so only the production exception handler stands between it and a stop
        Map<String, Object> smallRequests = Map.of("kafka.max.request.size", "6000",
                StreamsAppConfig.DLQ_MAX_VALUE_BYTES, "500", StreamsAppConfig.DLQ_MAX_HEADER_BYTES, "200",
                StreamsAppConfig.DLQ_MAX_REASON_CHARS, "100");
        try (SkeletonStreamsApp app = start(t, smallRequests)) {
            send(t.in(), "too-big-result", "{\"id\": \"too-big-result\", \"task\": \"sst2\", \"text\": \"fine\", "
                    + "\"metadata\": {\"k\": \"" + "v".repeat(8_000) + "\"}}", null);
            send(t.in(), "after", "{\"id\": \"after\", \"task\": \"sst2\", \"text\": \"a fine film\"}", null);

            ConsumerRecord<byte[], byte[]> dead = broker.readCommitted(t.dlq(), 1, r -> true, TIMEOUT).get(0);
            assertThat(header(dead, DeadLetters.KIND_HEADER)).isEqualTo("OUTPUT_REJECTED");
            assertThat(header(dead, DeadLetters.REASON_HEADER)).contains("output to topic " + t.out() + " (",
                    "RecordTooLarge");
            assertThat(header(dead, DeadLetters.TOPIC_HEADER)).isEqualTo(t.in());
            assertThat(header(dead, DeadLetters.OFFSET_HEADER)).isEqualTo("0");
            assertThat(key(dead)).isEqualTo("too-big-result");
            assertThat(dead.value()).as("no value: the input is at its source offset").isNull();

            ConsumerRecord<byte[], byte[]> labeled = broker.readCommitted(t.out(), 1, r -> true, TIMEOUT).get(0);
            assertThat(result(labeled).getRequestId()).isEqualTo("after");
            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    /** One test's topics, so the two tests share the broker without sharing records. */
    private record Topics(String prefix) {
        String in() {
            return prefix + ".requests";
        }

        String out() {
            return prefix + ".labels";
        }

        String dlq() {
            return prefix + ".dlq";
        }

        String registry() {
            return prefix + ".tasks";
        }
    }

    private static SkeletonStreamsApp start(Topics t, Map<String, Object> overrides) throws Exception {
        broker.createTopic(t.registry(), 1, true);
        broker.publish(t.registry(), TestEngine.skeleton("sst2", 1));
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsAppConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        props.put(StreamsAppConfig.APPLICATION_ID, "skeleton-it-" + UUID.randomUUID());
        props.put(StreamsAppConfig.INPUT_TOPICS, t.in());
        props.put(StreamsAppConfig.OUTPUT_TOPIC, t.out());
        props.put(StreamsAppConfig.DLQ_TOPIC, t.dlq());
        props.put(StreamsAppConfig.REGISTRY_TOPIC, t.registry());
        props.put(StreamsAppConfig.ENGINE_THREADS, "2");
        props.put(StreamsAppConfig.HTTP_PORT, "-1");
        props.put("kafka.commit.interval.ms", "100");
        props.putAll(overrides);
        return SkeletonStreamsApp.start(new StreamsAppConfig(props), TestEngine.base());
    }

    private static void send(String topic, String key, String json, String taskHeader) throws Exception {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, utf8(key), utf8(json));
        if (taskHeader != null) {
            record.headers().add(TaskResolver.TASK_HEADER, utf8(taskHeader));
        }
        producer.send(record).get();
    }

    private static Map<String, ConsumerRecord<byte[], byte[]>> byKey(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, ConsumerRecord<byte[], byte[]>> m = new HashMap<>();
        records.forEach(r -> m.put(key(r), r));
        return m;
    }

    private static long size(ConsumerRecord<byte[], byte[]> r) {
        long bytes = (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
        for (Header h : r.headers()) {
            bytes += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return bytes;
    }

    private static ClassificationResult result(ConsumerRecord<byte[], byte[]> r) {
        return SkeletonSerdes.resultDeserializer().deserialize(r.topic(), r.value());
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.key(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        assertThat(h).as("header " + name).isNotNull();
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
