package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.streams.serde.SkeletonSerdes;
import dev.skeleton.streams.testkit.TestEngine;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two instances of the service sharing the input partitions, the second joining mid-stream. */
@ExtendWith(TestBroker.Availability.class)
class TwoInstancesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(90);

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
    void shouldShareInputPartitionsAndLabelEveryRequestOnceInKeyOrderWhenSecondInstanceJoinsMidStream()
            throws Exception {
        // Given sst2 serving and one instance running, under exactly_once_v2
        broker.createTopic("requests", 4, false);
        broker.createTopic("tasks", 1, true);
        broker.publish("tasks", TestEngine.skeleton("sst2", 1));
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsAppConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        props.put(StreamsAppConfig.APPLICATION_ID, "two-it-" + UUID.randomUUID());
        props.put(StreamsAppConfig.INPUT_TOPICS, "requests");
        props.put(StreamsAppConfig.REGISTRY_TOPIC, "tasks");
        props.put(StreamsAppConfig.PROCESSING_GUARANTEE, StreamsAppConfig.EXACTLY_ONCE_V2);
        props.put(StreamsAppConfig.ENGINE_THREADS, "1");
        props.put(StreamsAppConfig.HTTP_PORT, "-1");
        StreamsAppConfig config = new StreamsAppConfig(props);
        KeyedRequests requests = new KeyedRequests();
        List<String> ids = new ArrayList<>();

        try (SkeletonStreamsApp first = SkeletonStreamsApp.start(config, TestEngine.base())) {
            // When requests stream in, and a second instance with the same application id joins halfway
            for (int i = 0; i < 150; i++) {
                ids.add(requests.send(producer, "requests", "sst2"));
            }
            producer.flush();
            // "halfway" means the first instance is at work: start() returns before its first rebalance, and a
            // second instance joining that early can be given every partition and label everything alone
            assertThat(first.awaitServing(List.of("sst2"), JOIN_TIMEOUT)).as("first instance serving").isTrue();
            long firstWorking = System.nanoTime() + JOIN_TIMEOUT.toNanos();
            while (labeled(first) == 0 && System.nanoTime() < firstWorking) {
                Thread.sleep(20);
            }
            try (SkeletonStreamsApp second = SkeletonStreamsApp.start(config, TestEngine.base())) {
                // keep the stream flowing until the rebalance has given the second instance work: on a loaded
                // machine the first instance could otherwise finish a fixed number of requests alone
                long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
                int sent = 0;
                while ((sent < 150 || labeled(second) == 0) && System.nanoTime() < deadline) {
                    for (int i = 0; i < 10; i++) {
                        ids.add(requests.send(producer, "requests", "sst2"));
                    }
                    producer.flush();
                    sent += 10;
                    Thread.sleep(50);
                }

                // Then every request is labeled exactly once, in per-key order, and both instances labeled some
                List<ClassificationResult> results = broker.readCommitted("skeleton.labels", ids.size(), r -> true,
                        TIMEOUT).stream().map(r -> SkeletonSerdes.resultDeserializer().deserialize("x", r.value()))
                        .toList();
                KeyedRequests.assertExactlyOnceInKeyOrder(results, ids);
                assertThat(labeled(first)).as("labeled by the first instance").isPositive();
                assertThat(labeled(second)).as("labeled by the second instance").isPositive();
            }
        }
    }

    private static double labeled(SkeletonStreamsApp app) {
        return app.metrics().registry().find(ServiceMetrics.REQUESTS).counters().stream()
                .mapToDouble(Counter::count).sum();
    }
}
