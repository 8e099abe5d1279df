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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The in-process broker ({@link EmbeddedKafka}) with what integration tests need around it: a shared producer and a
 * committed-records reader. */
final class TestBroker implements AutoCloseable {

    private final EmbeddedKafka broker;
    private final KafkaProducer<byte[], byte[]> producer;

    private TestBroker(EmbeddedKafka broker) {
        this.broker = broker;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A byte-array producer shared by the test class, closed with the broker. */
    KafkaProducer<byte[], byte[]> producer() {
        return producer;
    }

    static TestBroker start() {
        return new TestBroker(EmbeddedKafka.start());
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    void createTopic(String topic, int partitions, boolean compacted) {
        broker.createTopic(topic, partitions, compacted);
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
