package dev.skeleton.embedded;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node Kafka broker (combined KRaft controller and broker) in this JVM, with its data in a temporary
 * directory that is deleted on {@link #close()}. Set up so that consumer groups and transactions work on one node;
 * for the demo, the stream benchmark and integration tests, never for production data.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Formats and starts the broker; returns once it accepts clients (a few seconds). */
    public static EmbeddedKafka start() {
        KafkaClusterTestKit cluster = null;
        try {
            cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                    // one broker: internal topics cannot have 3 replicas, else groups never get a coordinator and
                    // exactly-once producers never get a transaction coordinator (silently: nothing is consumed)
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    // a killed client's open transaction is aborted soon after it times out, not 10 s later
                    .setConfigProp("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000")
                    .build();
            formatQuietly(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster);
        } catch (Exception e) {
            closeQuietly(cluster);
            throw new IllegalStateException("the embedded Kafka broker did not start: " + e, e);
        }
    }

    /**
     * Kafka's storage formatter prints a line to {@link System#out}; a command whose stdout is its result (JSON, say)
     * must not get it, so it goes nowhere.
     */
    private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            cluster.format();
        } finally {
            System.setOut(stdout);
        }
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Creates {@code topic} with {@code partitions} partitions, compacted if asked. */
    public void createTopic(String topic, int partitions, boolean compacted) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            NewTopic newTopic = new NewTopic(topic, Optional.of(partitions), Optional.empty());
            if (compacted) {
                newTopic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            admin.createTopics(List.of(newTopic)).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + topic + ": " + e, e);
        }
    }

    @Override
    public void close() {
        closeQuietly(cluster);
    }

    private static void closeQuietly(KafkaClusterTestKit cluster) {
        if (cluster == null) {
            return;
        }
        try {
            cluster.close();
        } catch (Exception e) {
            // the broker's temporary files are gone or going; nothing a caller could do about it
            System.err.println("closing the embedded Kafka broker: " + e);
        }
    }
}
