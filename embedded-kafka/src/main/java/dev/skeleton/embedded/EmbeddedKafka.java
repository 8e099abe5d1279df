package dev.skeleton.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node Kafka broker (combined KRaft controller and broker) in this JVM, with its data in a temporary
 * directory that is deleted on {@link #close()}. Set up so that consumer groups and transactions work on one node;
 * for the demo, the stream benchmark and integration tests, never for production data.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** The super user of a {@linkplain #startSecured secured} broker (Kafka's test kit names it). */
    public static final String ADMIN_USER = JaasUtils.KAFKA_PLAIN_ADMIN;
    /** What {@link #main} prints before the broker's address. */
    public static final String BOOTSTRAP_LINE = "bootstrap.servers=";
    private static final String ADMIN_PASSWORD = JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD;
    /** The test kit's name of the clients' (and inter-broker) listener, lower case as in listener settings. */
    private static final String CLIENT_LISTENER = "external";
    private static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";

    private final KafkaClusterTestKit cluster;
    /** Client settings every admin operation of this class needs: the super user's login on a secured broker. */
    private final Map<String, Object> adminSecurity;

    private EmbeddedKafka(KafkaClusterTestKit cluster, Map<String, Object> adminSecurity) {
        this.cluster = cluster;
        this.adminSecurity = adminSecurity;
    }

    /** Formats and starts the broker; returns once it accepts clients (a few seconds). */
    public static EmbeddedKafka start() {
        return start(SecurityProtocol.PLAINTEXT, Map.of(), Map.of());
    }

    /**
     * A broker in a process of its own (e.g. {@code bench --stream --broker child-jvm}): prints
     * {@value #BOOTSTRAP_LINE}{@code HOST:PORT} on a line of its own once it serves, and stops when its standard
     * input closes (the parent ends or closes it).
     */
    public static void main(String[] args) throws IOException {
        try (EmbeddedKafka kafka = start()) {
            System.out.println(BOOTSTRAP_LINE + kafka.bootstrapServers());
            System.out.flush();
            System.in.transferTo(OutputStream.nullOutputStream());
        }
    }

    /**
     * A broker that accepts only SASL/PLAIN logins of {@code users} (name to password) and {@value #ADMIN_USER},
     * and authorizes every request with Kafka's ACL authorizer: a user may do only what an ACL allows; the admin is
     * a super user. For tests of least privilege.
     */
    public static EmbeddedKafka startSecured(Map<String, String> users) {
        StringBuilder jaas = new StringBuilder(PLAIN_LOGIN_MODULE + " required")
                .append(" username=\"").append(ADMIN_USER).append("\" password=\"").append(ADMIN_PASSWORD).append('"')
                .append(" user_").append(ADMIN_USER).append("=\"").append(ADMIN_PASSWORD).append('"');
        users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password)
                .append('"'));
        // the client listener's own user list; the controller listener keeps the test kit's, which has the admin
        return start(SecurityProtocol.SASL_PLAINTEXT,
                Map.of("listener.name." + CLIENT_LISTENER + ".plain.sasl.jaas.config", jaas.append(';').toString()),
                clientSecurity(ADMIN_USER, ADMIN_PASSWORD));
    }

    /** Client settings to log in to a {@linkplain #startSecured secured} broker as {@code user}. */
    public static Map<String, Object> clientSecurity(String user, String password) {
        return Map.of(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name,
                SaslConfigs.SASL_MECHANISM, "PLAIN",
                SaslConfigs.SASL_JAAS_CONFIG, PLAIN_LOGIN_MODULE + " required username=\"" + user + "\" password=\""
                        + password + "\";");
    }

    private static EmbeddedKafka start(SecurityProtocol protocol, Map<String, String> brokerProps,
            Map<String, Object> adminSecurity) {
        KafkaClusterTestKit cluster = null;
        try {
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                    .setBrokerSecurityProtocol(protocol).setControllerSecurityProtocol(protocol).build());
            brokerProps.forEach(builder::setConfigProp);
            cluster = builder
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
            return new EmbeddedKafka(cluster, adminSecurity);
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

    /** Settings for an admin client with every right: the super user's on a secured broker. */
    public Map<String, Object> adminProperties() {
        Map<String, Object> props = new HashMap<>(adminSecurity);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /** Creates {@code topic} with {@code partitions} partitions, compacted if asked. */
    public void createTopic(String topic, int partitions, boolean compacted) {
        createTopic(adminProperties(), topic, partitions, compacted);
    }

    /**
     * Creates {@code topic} on the cluster the admin client {@code adminProperties} reaches (this broker or another,
     * e.g. a test's container), compacted if asked, and waits until it exists.
     */
    public static void createTopic(Map<String, Object> adminProperties, String topic, int partitions,
            boolean compacted) {
        try (Admin admin = Admin.create(adminProperties)) {
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
