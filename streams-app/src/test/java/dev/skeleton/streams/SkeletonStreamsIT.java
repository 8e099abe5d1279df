package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skeleton.avro.ClassificationRequest;
import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.avro.Timings;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import dev.skeleton.streams.serde.SkeletonSerdes;
import dev.skeleton.streams.testkit.TestEngine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole service against a real single-node KRaft broker (in process) with the real engine: skeletons from the
 * registry topic (on restore and live), Avro and JSON requests, dead letters, a live swap.
 */
class SkeletonStreamsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static TestBroker broker;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void startBroker() throws Exception {
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
    void shouldLabelEveryGoodRequestOnceAndDeadLetterEveryBadOneWithItsReason() throws Exception {
        // Given a compacted registry holding sst2 v1 and a corrupt value, published before the service starts
        // (so the global store's restore builds the registry, and the corrupt value must not break that restore)
        broker.createTopic("skeleton.tasks", 1, true);
        broker.publish("skeleton.tasks", TestEngine.skeleton("sst2", 1));
        send("skeleton.tasks", bytes("broken"), new byte[] {(byte) 0xC3, 0x01, 9, 9}, null);
        // and a task on a second base model, and one on a base this service does not load
        BaseModel small = TestEngine.firstLayersBase();
        broker.publish("skeleton.tasks", SyntheticSkeletons.random(small, "tiny", 4, 0.3, 1.0, 7));
        broker.publish("skeleton.tasks", TestEngine.foreignSkeleton("x-foreign", 1));

        Map<String, Object> props = new HashMap<>();
        props.put(StreamsAppConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        props.put(StreamsAppConfig.APPLICATION_ID, "skeleton-it-" + UUID.randomUUID());
        props.put(StreamsAppConfig.MAX_TEXT_CHARS, "200");
        props.put(StreamsAppConfig.ENGINE_THREADS, "2");
        props.put(StreamsAppConfig.HTTP_PORT, "0");
        props.put("kafka.commit.interval.ms", "100");
        try (SkeletonStreamsApp app = SkeletonStreamsApp.start(new StreamsAppConfig(props),
                List.of(TestEngine.base(), small))) {
            assertThat(app.registry().versions()).as("registry restored before processing, each task on its base")
                    .isEqualTo(Map.of("sst2", 1L, "tiny", 1L));
            assertThat(app.registry().refusal("broken")).as("corrupt registry value refused").isPresent();
            assertThat(app.registry().refusal("x-foreign").orElseThrow().reason())
                    .as("a base that is not loaded is named as the reason, with the bases that are")
                    .contains("some-other-model", "not loaded here", TestEngine.base().name(), small.name());

            // When 40 good requests (Avro and JSON, task in record or header) and 10 bad ones are produced
            Map<String, String> expectedDeadLetters = new LinkedHashMap<>();
            List<String> good = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = "good-" + i;
                good.add(id);
                String text = (i % 2 == 0 ? "a gorgeous, witty, seductive movie " : "bleak and desperate ") + i;
                if (i % 4 == 0) {
                    send("skeleton.requests", bytes(id), avro(id, null, text, null), "sst2");
                } else if (i % 4 == 1) {
                    send("skeleton.requests", bytes(id), avro(id, "sst2", text, null), null);
                } else {
                    send("skeleton.requests", bytes(id), json("{\"id\": \"" + id + "\", \"task\": \"sst2\", "
                            + "\"text\": \"" + text + "\", \"metadata\": {\"i\": \"" + i + "\"}}"), null);
                }
            }
            bad(expectedDeadLetters, "bad-garbage", "UNPARSEABLE", new byte[] {1, 2, 3});
            bad(expectedDeadLetters, "bad-json", "UNPARSEABLE", json("{\"id\": \"bad-json\", \"task\": \"sst2\"}"));
            bad(expectedDeadLetters, "bad-null", "UNPARSEABLE", null);
            bad(expectedDeadLetters, "bad-unknown", "UNKNOWN_TASK", avro("bad-unknown", "cola", "some text", null));
            bad(expectedDeadLetters, "bad-broken", "UNKNOWN_TASK", avro("bad-broken", "broken", "some text", null));
            bad(expectedDeadLetters, "bad-notask", "NO_TASK", avro("bad-notask", null, "some text", null));
            bad(expectedDeadLetters, "bad-empty", "EMPTY_TEXT", avro("bad-empty", "sst2", "", null));
            bad(expectedDeadLetters, "bad-long", "TEXT_TOO_LONG", avro("bad-long", "sst2", "x".repeat(201), null));
            bad(expectedDeadLetters, "bad-pair", "WRONG_INPUT_SHAPE", avro("bad-pair", "sst2", "a", "b"));
            bad(expectedDeadLetters, "bad-result", "UNPARSEABLE", SkeletonSerdes.results().serializer().serialize(
                    "x", ClassificationResult.newBuilder().setRequestId("x").setTask("t").setLabel("l")
                            .setProbabilities(List.of()).setSkeletonVersion(1).setBaseModelFingerprint("f")
                            .setTimings(new Timings(0.0, 0.0, 1)).build()));

            // Then every good request is labeled exactly once, by v1, key preserved
            List<ConsumerRecord<byte[], byte[]>> labeled = consume("skeleton.labels", good.size(), r -> true);
            Map<String, Integer> counts = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : labeled) {
                ClassificationResult result = SkeletonSerdes.resultDeserializer().deserialize(r.topic(), r.value());
                counts.merge(result.getRequestId(), 1, Integer::sum);
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).as("key preserved")
                        .isEqualTo(result.getRequestId());
                assertThat(result.getSkeletonVersion()).as("version of " + result.getRequestId()).isEqualTo(1);
                assertThat(result.getTask()).isEqualTo("sst2");
                assertThat(result.getLabel()).isIn("negative", "positive");
            }
            assertThat(counts.keySet()).as("every good request labeled").containsExactlyInAnyOrderElementsOf(good);
            assertThat(counts.values()).as("each exactly once").allMatch(n -> n == 1);

            // and every bad one is a dead letter with its reason, original key and source coordinates
            List<ConsumerRecord<byte[], byte[]>> dead = consume("skeleton.dlq", expectedDeadLetters.size(), r -> true);
            Map<String, String> kinds = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : dead) {
                String id = new String(r.key(), StandardCharsets.UTF_8);
                kinds.put(id, header(r, DeadLetters.KIND_HEADER));
                assertThat(header(r, DeadLetters.REASON_HEADER)).as("reason of " + id).isNotBlank();
                assertThat(header(r, DeadLetters.TOPIC_HEADER)).isEqualTo("skeleton.requests");
                assertThat(Long.parseLong(header(r, DeadLetters.OFFSET_HEADER))).isBetween(40L, 49L);
            }
            assertThat(kinds).isEqualTo(expectedDeadLetters);

            // When v2 is published while the service runs
            broker.publish("skeleton.tasks", TestEngine.skeleton("sst2", 2));
            awaitVersion(app, "sst2", 2);
            send("skeleton.requests", bytes("after-swap"), avro("after-swap", "sst2", "fine", null), null);

            // Then the next request is labeled by v2
            List<ConsumerRecord<byte[], byte[]>> after = consume("skeleton.labels", 1,
                    r -> new String(r.key(), StandardCharsets.UTF_8).equals("after-swap"));
            assertThat(SkeletonSerdes.resultDeserializer().deserialize("x", after.get(0).value()).getSkeletonVersion())
                    .isEqualTo(2);

            // When a request for the task on the second base is produced
            send("skeleton.requests", bytes("tiny-1"), avro("tiny-1", "tiny", "a short one", null), null);

            // Then it is labeled by that base
            List<ConsumerRecord<byte[], byte[]>> tiny = consume("skeleton.labels", 1,
                    r -> new String(r.key(), StandardCharsets.UTF_8).equals("tiny-1"));
            ClassificationResult onSmall = SkeletonSerdes.resultDeserializer().deserialize("x", tiny.get(0).value());
            assertThat(onSmall.getBaseModelFingerprint()).isEqualTo(small.fingerprint())
                    .isNotEqualTo(TestEngine.base().fingerprint());
            assertThat(onSmall.getBaseModel()).as("the result names its base").isEqualTo(small.name());

            // and the HTTP endpoints tell the same story
            int port = app.httpPort().orElseThrow();
            assertThat(get(port, "/ready").statusCode()).as("ready").isEqualTo(200);
            assertThat(get(port, "/health").body()).contains("\"status\":\"UP\"");
            JsonNode tasks = new ObjectMapper().readTree(get(port, "/tasks").body());
            assertThat(tasks.at("/serving/0/task").asText()).isEqualTo("sst2");
            assertThat(tasks.at("/serving/0/version").asLong()).isEqualTo(2);
            assertThat(tasks.at("/serving/0/ffnKeepRatio").asDouble()).as("30% of FFN neurons kept")
                    .isCloseTo(0.3, Offset.offset(0.01));
            assertThat(tasks.at("/serving/0/baseModel").asText()).isEqualTo(TestEngine.base().name());
            assertThat(tasks.at("/serving/1/task").asText()).isEqualTo("tiny");
            assertThat(tasks.at("/serving/1/baseModel").asText()).isEqualTo(small.name());
            assertThat(tasks.at("/serving/1/ffnKeepRatio").asDouble()).as("of its own base's 3 layers")
                    .isCloseTo(0.3, Offset.offset(0.01));
            assertThat(tasks.at("/baseModels/1/layers").asInt()).isEqualTo(3);
            assertThat(tasks.at("/refused/0/task").asText()).isEqualTo("broken");
            assertThat(tasks.at("/refused/0/version").isNull()).as("undecodable: no version").isTrue();
            String metrics = get(port, "/metrics").body();
            assertThat(metrics).contains("skeleton_requests_total{outcome=\"labeled\",task=\"sst2\"} 41.0")
                    .contains("skeleton_dead_letters_total{kind=\"UNPARSEABLE\"} 4.0")
                    .contains("skeleton_dead_letters_total{kind=\"UNKNOWN_TASK\"} 2.0")
                    .contains("skeleton_dead_letters_total{kind=\"WRONG_INPUT_SHAPE\"} 1.0")
                    .contains("skeleton_registry_swaps_total 3.0")
                    .contains("skeleton_batch_size_count{task=\"sst2\"}")
                    .contains("skeleton_queue_time_seconds_count{task=\"sst2\"} 41")
                    .contains("skeleton_inference_time_seconds_sum{task=\"sst2\"}")
                    // sst2 v1 and tiny v1 (restored) and sst2 v2 (live), each from its publish to its first
                    // labeled batch
                    .contains("skeleton_swap_seconds_count{phase=\"read\"} 3")
                    .contains("skeleton_swap_seconds_count{phase=\"session\"} 3")
                    .contains("skeleton_swap_seconds_count{phase=\"total\"} 3")
                    // Kafka Streams' own: the phases outside the processor
                    .contains("kafka_stream_thread_commit_latency_avg", "kafka_stream_thread_poll_latency_avg",
                            "kafka_producer_request_latency_avg", "kafka_consumer_fetch_manager_fetch_latency_avg");
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        // HTTP/1.1 as Prometheus scrapes: the JDK client's default h2c upgrade misreads a large plain-HTTP reply
        // (seen once on /metrics: "Frame type(97) ... exceeds MAX_FRAME_SIZE")
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static void bad(Map<String, String> expected, String id, String kind, byte[] value) throws Exception {
        expected.put(id, kind);
        send("skeleton.requests", bytes(id), value, null);
    }


    private static void send(String topic, byte[] key, byte[] value, String taskHeader) throws Exception {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, value);
        if (taskHeader != null) {
            record.headers().add(TaskResolver.TASK_HEADER, bytes(taskHeader));
        }
        producer.send(record).get();
    }

    private static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int count,
            Predicate<ConsumerRecord<byte[], byte[]>> wanted) {
        return broker.readCommitted(topic, count, wanted, TIMEOUT);
    }

    private static void awaitVersion(SkeletonStreamsApp app, String task, long version) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!Long.valueOf(version).equals(app.registry().versions().get(task)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(app.registry().versions()).containsEntry(task, version);
    }

    private static byte[] avro(String id, String task, String text, String pair) {
        return SkeletonSerdes.requestSerializer().serialize("x", ClassificationRequest.newBuilder()
                .setId(id).setTask(task).setText(text).setTextPair(pair).build());
    }

    private static byte[] json(String s) {
        return bytes(s);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        assertThat(h).as("header " + name).isNotNull();
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
