package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.embedded.EmbeddedKafka;
import dev.skeleton.streams.serde.SkeletonSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A broker for integration tests with what they need around it: a shared producer and a committed-records reader.
 * By default the in-process KRaft broker ({@link EmbeddedKafka}); with the system property
 * {@value #KIND_PROPERTY}{@code =testcontainers} (the failsafe execution of that name) the {@code apache/kafka}
 * image of the pinned Kafka version ({@value #IMAGE_PROPERTY}) through Testcontainers, and where no Docker engine
 * answers, the test class is skipped with that reason.
 */
final class TestBroker implements AutoCloseable {

    static final String KIND_PROPERTY = "skeleton.it.broker";
    static final String IMAGE_PROPERTY = "skeleton.it.kafka.image";
    private static final String NO_DOCKER = "no Docker engine answers here: the Testcontainers run against the "
            + "apache/kafka image is skipped (the in-process broker run covers the same test)";

    private final String bootstrapServers;
    private final AutoCloseable broker;
    private final KafkaProducer<byte[], byte[]> producer;

    private TestBroker(String bootstrapServers, AutoCloseable broker) {
        this.bootstrapServers = bootstrapServers;
        this.broker = broker;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A byte-array producer shared by the test class, closed with the broker. */
    KafkaProducer<byte[], byte[]> producer() {
        return producer;
    }

    /** Starts the broker {@value #KIND_PROPERTY} asks for (in-process by default). */
    static TestBroker start() {
        String kind = System.getProperty(KIND_PROPERTY, "embedded");
        switch (kind) {
            case "embedded" -> {
                EmbeddedKafka kafka = EmbeddedKafka.start();
                return new TestBroker(kafka.bootstrapServers(), kafka);
            }
            case "testcontainers" -> {
                // a class without the Availability condition is skipped here instead
                Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(), NO_DOCKER);
                String image = System.getProperty(IMAGE_PROPERTY);
                if (image == null) {
                    throw new IllegalStateException(IMAGE_PROPERTY + " is not set (streams-app/pom.xml sets it)");
                }
                KafkaContainer kafka = new KafkaContainer(image);
                kafka.start();
                return new TestBroker(kafka.getBootstrapServers(), kafka::stop);
            }
            default -> throw new IllegalArgumentException(KIND_PROPERTY + "=" + kind
                    + ": expected embedded or testcontainers");
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Disables a test class that uses this broker when the Testcontainers run is asked for and no Docker engine
     * answers, saying so: JUnit reports every test of the class as skipped with that reason.
     */
    static final class Availability implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (!"testcontainers".equals(System.getProperty(KIND_PROPERTY))) {
                return ConditionEvaluationResult.enabled("in-process broker");
            }
            return DockerClientFactory.instance().isDockerAvailable()
                    ? ConditionEvaluationResult.enabled("Docker engine found")
                    : ConditionEvaluationResult.disabled(NO_DOCKER);
        }
    }

    void createTopic(String topic, int partitions, boolean compacted) {
        EmbeddedKafka.createTopic(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic,
                partitions, compacted);
    }

    /** Publishes {@code skeleton} to the registry topic {@code topic} (Avro single-object, key: task id) and waits. */
    void publish(String topic, TaskSkeleton skeleton) throws Exception {
        producer.send(new ProducerRecord<>(topic, skeleton.getTaskId().getBytes(StandardCharsets.UTF_8),
                SkeletonSerdes.skeletonSerializer().serialize(topic, skeleton))).get();
    }

    /** A consumer from the earliest offset that sees committed transactions only. */
    KafkaConsumer<byte[], byte[]> committedReader(String topic) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /**
     * Reads {@code topic} (committed records only) until {@code count} records match, then a little longer so
     * that a duplicate would show too; fails if fewer arrive within {@code timeout}.
     */
    List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int count,
            Predicate<ConsumerRecord<byte[], byte[]>> wanted, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = committedReader(topic)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (wanted.test(r)) {
                        out.add(r);
                    }
                });
            }
            long settle = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < settle) {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                    if (wanted.test(r)) {
                        out.add(r);
                    }
                });
            }
        }
        assertThat(out).as(count + " records on " + topic).hasSize(count);
        return out;
    }

    @Override
    public void close() throws Exception {
        producer.close();
        broker.close();
    }
}
