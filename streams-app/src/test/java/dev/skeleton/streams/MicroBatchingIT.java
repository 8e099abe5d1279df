package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.streams.serde.SkeletonSerdes;
import dev.skeleton.streams.testkit.TestEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Micro-batching against a real broker under {@code exactly_once_v2}, with the real engine: every request labeled
 * exactly once, in per-key order, in batches of more than one; and the same after the service is killed with
 * SIGKILL mid-stream (a child JVM), which is where results held in a batch would be lost if offsets were
 * committed before them; and a SIGTERM mid-stream under {@code at_least_once}, which must stop within the grace
 * period having committed exactly what it wrote.
 */
@ExtendWith(TestBroker.Availability.class)
class MicroBatchingIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

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
    void shouldLabelEveryRequestOnceInPerKeyOrderInRealBatchesUnderExactlyOnce() throws Exception {
        // Given sst2 and topic serving, and an input topic with 2 partitions
        Map<String, String> props = serviceProps("a");
        broker.createTopic("requests-a", 2, false);
        broker.createTopic("tasks-a", 1, true);
        broker.publish("tasks-a", TestEngine.skeleton("sst2", 1));
        broker.publish("tasks-a", TestEngine.skeleton("topic", 1));

        try (SkeletonStreamsApp app = SkeletonStreamsApp.start(new StreamsAppConfig(props), TestEngine.base())) {
            // When 300 requests of 10 keys, each key mixing both tasks, arrive in a burst
            List<String> ids = produce("requests-a", 300);

            // Then each is labeled exactly once, in order per key, in batches of up to 16 and often more than 1
            List<ClassificationResult> results = results("labels-a", ids.size());
            KeyedRequests.assertExactlyOnceInKeyOrder(results, ids);
            List<Integer> sizes = results.stream().map(r -> r.getTimings().getBatchSize()).toList();
            assertThat(sizes).as("batch sizes").allMatch(n -> n >= 1 && n <= 16);
            assertThat(sizes.stream().mapToInt(Integer::intValue).max().orElse(0)).as("largest batch")
                    .isGreaterThan(1);
            assertThat(results).allSatisfy(r -> {
                assertThat(r.getTimings().getQueueMs()).as("queue time").isGreaterThanOrEqualTo(0);
                assertThat(r.getTimings().getInferenceMs()).as("inference time").isGreaterThan(0);
            });
            assertThat(results).extracting(ClassificationResult::getTask).containsOnly("sst2", "topic");
        }
    }

    @Test
    void shouldLoseAndDuplicateNothingWhenKilledMidStreamUnderExactlyOnce() throws Exception {
        // Given a service in a child JVM that commits every 500 ms, with sst2 and topic serving
        Map<String, String> props = serviceProps("kill");
        props.put("kafka.commit.interval.ms", "500");
        // a killed member is noticed after 6 s, and its open transaction aborted after 5 s
        props.put("kafka.session.timeout.ms", "6000");
        props.put("kafka.heartbeat.interval.ms", "1000");
        props.put("kafka.producer.transaction.timeout.ms", "5000");
        List<String> ids = backlogForSst2AndTopic("kill", 600);

        Process first = startChild(props, "first");
        int committedAtKill;
        try (KafkaConsumer<byte[], byte[]> reader = broker.committedReader("labels-kill")) {
            // When it has committed some results (and is working on the rest), it is killed with SIGKILL
            committedAtKill = awaitAtLeast(reader, 100, first);
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(committedAtKill).as("killed mid-stream, not after the end").isLessThan(ids.size());

        // and a new instance takes over from the committed offsets: then every request is labeled exactly once,
        // in order per key
        assertSecondInstanceCompletesExactlyOnce(props, "kill", "second", ids);
    }

    @Test
    void shouldStopWithinTheGracePeriodOnSigtermMidStreamLosingAndDuplicatingNothingUnderAtLeastOnce()
            throws Exception {
        // Given a service in a child JVM under at_least_once with a 10 s grace period, sst2 and topic serving
        Map<String, String> props = serviceProps("term");
        props.put(StreamsAppConfig.PROCESSING_GUARANTEE, StreamsAppConfig.AT_LEAST_ONCE);
        props.put(StreamsAppConfig.SHUTDOWN_GRACE_MS, "10000");
        props.put("kafka.commit.interval.ms", "500");
        props.put("kafka.session.timeout.ms", "6000");
        List<String> ids = backlogForSst2AndTopic("term", 600);

        Process first = startChild(props, "term-first");
        int labeledAtTerm;
        long stopMillis;
        try (KafkaConsumer<byte[], byte[]> reader = broker.committedReader("labels-term")) {
            // When it has labeled some requests (and is working on the rest), it gets SIGTERM
            labeledAtTerm = awaitAtLeast(reader, 100, first);
            long start = System.nanoTime();
            first.destroy();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("stopped at all").isTrue();
            stopMillis = (System.nanoTime() - start) / 1_000_000;
        }
        assertThat(labeledAtTerm).as("stopped mid-stream, not after the end").isLessThan(ids.size());

        // Then it exits 0 within the grace period (and a second of JVM exit), without a crash file
        assertThat(first.exitValue()).as("exit status (see target/child-term-first.log)").isZero();
        assertThat(stopMillis).as("stop time, ms").isLessThan(11_000);
        try (var files = Files.list(Path.of("."))) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("JVM crash file").noneMatch(n -> n.equals("hs_err_pid" + first.pid() + ".log"));
        }
        assertThat(Files.readString(Path.of("target", "child-term-first.log"))).contains("stopped in");

        // and a new instance labels the rest: every request exactly once, in order per key
        assertSecondInstanceCompletesExactlyOnce(props, "term", "term-second", ids);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static Map<String, String> serviceProps(String suffix) {
        Map<String, String> props = new HashMap<>();
        props.put(StreamsAppConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        props.put(StreamsAppConfig.APPLICATION_ID, "batching-it-" + suffix + "-" + UUID.randomUUID());
        props.put(StreamsAppConfig.INPUT_TOPICS, "requests-" + suffix);
        props.put(StreamsAppConfig.OUTPUT_TOPIC, "labels-" + suffix);
        props.put(StreamsAppConfig.DLQ_TOPIC, "dlq-" + suffix);
        props.put(StreamsAppConfig.REGISTRY_TOPIC, "tasks-" + suffix);
        props.put(StreamsAppConfig.PROCESSING_GUARANTEE, StreamsAppConfig.EXACTLY_ONCE_V2);
        props.put(StreamsAppConfig.BATCH_MAX_SIZE, "16");
        props.put(StreamsAppConfig.BATCH_MAX_DELAY_MS, "20");
        props.put(StreamsAppConfig.ENGINE_THREADS, "2");
        props.put(StreamsAppConfig.HTTP_PORT, "0");
        return props;
    }

    /**
     * Topics of {@code suffix} (2 input partitions) with sst2 and topic published, and {@code count} requests
     * produced before any service starts; returns their ids.
     */
    private static List<String> backlogForSst2AndTopic(String suffix, int count) throws Exception {
        broker.createTopic("requests-" + suffix, 2, false);
        broker.createTopic("tasks-" + suffix, 1, true);
        broker.publish("tasks-" + suffix, TestEngine.skeleton("sst2", 1));
        broker.publish("tasks-" + suffix, TestEngine.skeleton("topic", 1));
        return produce("requests-" + suffix, count);
    }

    /** Starts another child on the same settings and asserts that every request of {@code ids} ends labeled once. */
    private static void assertSecondInstanceCompletesExactlyOnce(Map<String, String> props, String suffix,
            String name, List<String> ids) throws Exception {
        Process second = startChild(props, name);
        try {
            KeyedRequests.assertExactlyOnceInKeyOrder(results("labels-" + suffix, ids.size()), ids);
        } finally {
            second.destroy();
            if (!second.waitFor(60, TimeUnit.SECONDS)) {
                second.destroyForcibly();
            }
        }
    }

    /** {@code count} requests over {@value KeyedRequests#KEYS} keys, every third of a key's for "topic". */
    private static List<String> produce(String topic, int count) {
        KeyedRequests requests = new KeyedRequests();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(requests.send(producer, topic, (i / KeyedRequests.KEYS) % 3 == 0 ? "topic" : "sst2"));
        }
        producer.flush();
        return ids;
    }


    private static List<ClassificationResult> results(String topic, int count) {
        return broker.readCommitted(topic, count, r -> true, TIMEOUT).stream()
                .map(r -> SkeletonSerdes.resultDeserializer().deserialize(topic, r.value()))
                .toList();
    }

    /** Polls until at least {@code count} committed records were seen; fails if the child dies first. */
    private static int awaitAtLeast(KafkaConsumer<byte[], byte[]> reader, int count, Process child) {
        int seen = 0;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (seen < count && System.nanoTime() < deadline) {
            assertThat(child.isAlive()).as("the service is running (see target/child-*.log)").isTrue();
            for (ConsumerRecord<byte[], byte[]> ignored : reader.poll(Duration.ofMillis(100))) {
                seen++;
            }
        }
        assertThat(seen).as("committed results before the kill").isGreaterThanOrEqualTo(count);
        return seen;
    }

    /** The service in its own JVM ({@link SkeletonStreamsApp#main}), so it can be killed like a real process. */
    private static Process startChild(Map<String, String> props, String name) throws IOException {
        Path log = Path.of("target", "child-" + name + ".log");
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"),
                SkeletonStreamsApp.class.getName()));
        props.forEach((k, v) -> command.add(k + "=" + v));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
