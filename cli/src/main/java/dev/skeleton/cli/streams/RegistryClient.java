package dev.skeleton.cli.streams;

import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.cli.CliException;
import dev.skeleton.streams.StreamsAppConfig;
import dev.skeleton.streams.TopicBootstrap;
import dev.skeleton.streams.registry.RegistrySigner;
import dev.skeleton.streams.serde.ParsedSkeleton;
import dev.skeleton.streams.serde.SkeletonSerdes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes to the registry topic for {@code publish} and {@code retire}: creates it compacted when missing (the same
 * way the service does), then sends records keyed by task id, signed when {@code registry.signing.key} is set, and
 * waits for each to be acknowledged by all in-sync replicas.
 */
public final class RegistryClient implements AutoCloseable {

    private static final long SEND_TIMEOUT_SECONDS = 60;

    private final StreamsAppConfig config;
    private final Admin admin;
    private final KafkaProducer<String, byte[]> producer;
    private final Optional<RegistrySigner> signer;

    public RegistryClient(StreamsAppConfig config) {
        this.config = config;
        this.signer = config.registrySigner();
        Map<String, Object> adminProps = clientProps(config, AdminClientConfig.configNames());
        // a command line should give up on an unreachable cluster sooner than a service would
        adminProps.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        this.admin = Admin.create(adminProps);
        Map<String, Object> producerProps = clientProps(config, ProducerConfig.configNames());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try {
            this.producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
        } catch (RuntimeException e) {
            admin.close();
            throw e;
        }
    }

    /** The registry topic's name. */
    public String topic() {
        return config.registryTopic();
    }

    /** Creates the registry topic with cleanup.policy=compact unless it exists. */
    public void ensureTopic() {
        new TopicBootstrap(admin, config.replicationFactor()).ensureRegistry(topic());
    }

    /** Publishes {@code skeleton} (Avro single-object) under its task id and waits for the acknowledgement. */
    public RecordMetadata publish(TaskSkeleton skeleton) {
        return send(skeleton.getTaskId(), SkeletonSerdes.skeletonSerializer().serialize(topic(), skeleton));
    }

    /**
     * Sends {@code value} (null: a tombstone) under key {@code taskId}, signed when the configuration has a signing
     * key, and waits for the acknowledgement.
     */
    public RecordMetadata send(String taskId, byte[] value) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic(), taskId, value);
        signer.ifPresent(s -> record.headers().add(RegistrySigner.HEADER, s.sign(taskId, value)));
        try {
            return producer.send(record).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new CliException("cannot write task '" + taskId + "' to " + topic() + " on "
                    + config.bootstrapServers() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new CliException("cannot write task '" + taskId + "' to " + topic() + ": no acknowledgement from "
                    + config.bootstrapServers() + " within " + SEND_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while writing task '" + taskId + "'", e);
        }
    }

    /**
     * The version of each task's latest skeleton on the registry topic (read to its end now); retired tasks and
     * values that do not decode are left out.
     */
    public Map<String, Long> publishedVersions() {
        Map<String, Object> props = clientProps(config, ConsumerConfig.configNames());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Long> versions = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SEND_TIMEOUT_SECONDS);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new CliException("cannot read " + topic() + " to its end within " + SEND_TIMEOUT_SECONDS
                            + " s");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    // the service's own bounded decoder: a hostile value costs nothing here either
                    if (SkeletonSerdes.parseSkeleton(record.value()) instanceof ParsedSkeleton.Present present) {
                        versions.put(record.key(), present.skeleton().getVersion());
                    } else {
                        versions.remove(record.key());
                    }
                }
            }
        }
        return versions;
    }

    /**
     * The user's {@code kafka.*} settings that this client knows, plus the brokers. Streams-only keys are left
     * out: a client warns about every key it does not know, and the service's file may well have some.
     */
    private static Map<String, Object> clientProps(StreamsAppConfig config, Set<String> known) {
        Map<String, Object> props = new HashMap<>();
        config.kafkaOverrides().forEach((k, v) -> {
            if (known.contains(k)) {
                props.put(k, v);
            }
        });
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        return props;
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
    }
}
