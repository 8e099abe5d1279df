package dev.skeleton.cli.streams;

import dev.skeleton.cli.CliException;
import dev.skeleton.streams.StreamsAppConfig;
import dev.skeleton.streams.TopicBootstrap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes to the registry topic for {@code publish} and {@code retire}: creates it compacted when missing (the same
 * way the service does), then sends records keyed by task id and waits for each to be acknowledged by all
 * in-sync replicas.
 */
final class RegistryClient implements AutoCloseable {

    private static final long SEND_TIMEOUT_SECONDS = 60;

    private final StreamsAppConfig config;
    private final Admin admin;
    private final KafkaProducer<String, byte[]> producer;

    RegistryClient(StreamsAppConfig config) {
        this.config = config;
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
    String topic() {
        return config.registryTopic();
    }

    /** Creates the registry topic with cleanup.policy=compact unless it exists. */
    void ensureTopic() {
        new TopicBootstrap(admin, config.replicationFactor()).ensureRegistry(topic());
    }

    /** Sends {@code value} (null: a tombstone) under key {@code taskId} and waits for the acknowledgement. */
    RecordMetadata send(String taskId, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(topic(), taskId, value)).get(SEND_TIMEOUT_SECONDS,
                    TimeUnit.SECONDS);
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
