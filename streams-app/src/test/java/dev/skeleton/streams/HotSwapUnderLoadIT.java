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

/** A new skeleton version published while requests stream in, against a real broker with the real engine. */
@ExtendWith(TestBroker.Availability.class)
class HotSwapUnderLoadIT {

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
    void shouldSwitchVersionUnderLoadWithoutLosingDuplicatingOrReorderingAnything() throws Exception {
        // Given sst2 v1 serving
        broker.createTopic("requests", 2, false);
        broker.createTopic("tasks", 1, true);
        broker.publish("tasks", TestEngine.skeleton("sst2", 1));
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsAppConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        props.put(StreamsAppConfig.APPLICATION_ID, "swap-it-" + UUID.randomUUID());
        props.put(StreamsAppConfig.INPUT_TOPICS, "requests");
        props.put(StreamsAppConfig.REGISTRY_TOPIC, "tasks");
        props.put(StreamsAppConfig.ENGINE_THREADS, "2");
        props.put(StreamsAppConfig.HTTP_PORT, "-1");
        props.put("kafka.commit.interval.ms", "200");

        try (SkeletonStreamsApp app = SkeletonStreamsApp.start(new StreamsAppConfig(props), TestEngine.base())) {
            KeyedRequests requests = new KeyedRequests();
            List<String> ids = new ArrayList<>();

            // When requests stream in (20 every 50 ms), and v2 is published once 100 have been labeled by v1
            while (labeled(app) < 100) {
                burst(requests, ids);
                assertThat(requests.produced()).as("v1 labels requests").isLessThan(2000);
            }
            broker.publish("tasks", TestEngine.skeleton("sst2", 2));
            while (!Long.valueOf(2).equals(app.registry().versions().get("sst2"))) {
                burst(requests, ids);
                assertThat(requests.produced()).as("v2 swapped in while 2000 requests were sent").isLessThan(2000);
            }
            // every request sent from here on is read after the swap, so its batch can only lease v2
            int firstAfterSwap = requests.produced();
            for (int i = 0; i < 10; i++) {
                burst(requests, ids);
            }

            // Then every request is labeled exactly once, in per-key order; outputs switched from v1 to v2
            List<ClassificationResult> results = broker.readCommitted("skeleton.labels", ids.size(), r -> true,
                    TIMEOUT).stream().map(r -> SkeletonSerdes.resultDeserializer().deserialize("x", r.value()))
                            .toList();
            KeyedRequests.assertExactlyOnceInKeyOrder(results, ids);
            Map<String, Long> versionOf = new HashMap<>();
            results.forEach(r -> versionOf.put(r.getRequestId(), r.getSkeletonVersion()));
            assertThat(versionOf.values()).as("both versions served").contains(1L, 2L);
            assertThat(ids.subList(firstAfterSwap, ids.size())).as("sent after the swap: v2")
                    .allSatisfy(id -> assertThat(versionOf.get(id)).as(id).isEqualTo(2L));
            assertThat(ids.subList(0, 20)).as("sent long before the swap: v1")
                    .allSatisfy(id -> assertThat(versionOf.get(id)).as(id).isEqualTo(1L));
        }
    }

    private static double labeled(SkeletonStreamsApp app) {
        return app.metrics().registry().find(ServiceMetrics.REQUESTS).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static void burst(KeyedRequests requests, List<String> ids) throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            ids.add(requests.send(producer, "requests", "sst2"));
        }
        producer.flush();
        Thread.sleep(50);
    }

}
