package dev.skeleton.streams;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics the service needs when they are missing, before Kafka Streams starts (it does not create
 * source or sink topics itself). Each topic is described first and only a missing one is created, so a principal
 * without CREATE works against topics created beforehand. The registry topic is created compacted: it must keep the
 * latest skeleton of
 * every task forever. Partition counts are the broker's default; size real deployments' topics beforehand.
 * Also used by the command line's {@code publish} and {@code retire}, so the registry topic is compacted whoever
 * creates it first.
 */
public final class TopicBootstrap {

    private static final Logger log = LoggerFactory.getLogger(TopicBootstrap.class);
    private static final long TIMEOUT_SECONDS = 60;

    private final Admin admin;
    private final Optional<Short> replicationFactor;

    /** Creates topics through {@code admin}; an empty replication factor means the broker's default. */
    public TopicBootstrap(Admin admin, Optional<Short> replicationFactor) {
        this.admin = admin;
        this.replicationFactor = replicationFactor;
    }

    /** The registry topic (compacted) and every plain topic of {@code topics}. */
    void ensureAll(Topics topics) {
        ensureRegistry(topics.registryTopic());
        for (String topic : topics.plainTopicsToCreate()) {
            ensure(topic, Map.of());
        }
    }

    /**
     * Creates the registry topic with {@code cleanup.policy=compact} unless it exists; warns if an existing one is
     * not compacted.
     */
    public void ensureRegistry(String topic) {
        ensure(topic, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        checkCompacted(topic);
    }

    /**
     * Creates {@code topic} with {@code configs} unless it exists. Asks first and creates only a missing topic, so
     * that a principal without CREATE starts against topics created beforehand.
     */
    void ensure(String topic, Map<String, String> configs) {
        if (exists(topic)) {
            return;
        }
        NewTopic newTopic = new NewTopic(topic, Optional.empty(), replicationFactor).configs(configs);
        try {
            await(admin.createTopics(List.of(newTopic)).all());
            log.info("created topic {} {}", topic, configs.isEmpty() ? "" : configs);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return; // another instance created it meanwhile
            }
            String hint = e.getCause() instanceof AuthorizationException
                    ? " (the principal may not CREATE topics: create it beforehand, see the README's ACL list)" : "";
            throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause().getMessage() + hint,
                    e.getCause());
        }
    }

    private boolean exists(String topic) {
        try {
            await(admin.describeTopics(List.of(topic)).allTopicNames());
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            String hint = e.getCause() instanceof AuthorizationException
                    ? " (grant the principal DESCRIBE on it; READ or WRITE include DESCRIBE)" : "";
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getCause().getMessage() + hint,
                    e.getCause());
        }
    }

    /** A registry topic that deletes old records would lose skeletons; say so loudly, but it is the operator's. */
    private void checkCompacted(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config config = await(admin.describeConfigs(List.of(resource)).all()).get(resource);
            ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                log.warn("registry topic {} has cleanup.policy={}, not compact: skeletons will be deleted with old "
                        + "segments and tasks will disappear on restart", topic,
                        policy == null ? null : policy.value());
            }
        } catch (ExecutionException e) {
            log.warn("cannot check the cleanup policy of registry topic {}: {}", topic, e.getCause().toString());
        }
    }

    private static <T> T await(KafkaFuture<T> future) throws ExecutionException {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the Kafka cluster did not answer within " + TIMEOUT_SECONDS + " s", e);
        }
    }
}
