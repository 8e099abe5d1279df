package dev.skeleton.cli.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.cli.CliRun;
import dev.skeleton.cli.SkeletonCli;
import dev.skeleton.embedded.EmbeddedKafka;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import dev.skeleton.streams.SkeletonStreamsApp;
import dev.skeleton.streams.StreamsAppConfig;
import dev.skeleton.streams.serde.SkeletonSerdes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service, {@code publish} and {@code retire} against a broker with SASL/PLAIN logins and the ACL authorizer,
 * each principal holding only the ACLs the README lists, and the topics created beforehand by an administrator:
 * nothing may need CREATE, and write access to the request topic must not be enough to publish.
 */
class LeastPrivilegeIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String APP_ID = "skeleton-lp";
    private static final Map<String, String> USERS = Map.of(
            "service", "service-secret", "publisher", "publisher-secret", "client", "client-secret",
            "intruder", "intruder-secret");

    /** How Kafka words a refusal, depending on the request. */
    private static final String DENIED = "(?i)not authorized|authorization failed";

    @TempDir
    static Path root;

    private static EmbeddedKafka cluster;

    @BeforeAll
    static void startSecuredBrokerWithTopicsAndAcls() throws Exception {
        cluster = EmbeddedKafka.startSecured(USERS);
        cluster.createTopic("skeleton.tasks", 1, true);
        for (String topic : List.of("skeleton.requests", "skeleton.labels", "skeleton.dlq")) {
            cluster.createTopic(topic, 2, false);
        }
        List<AclBinding> acls = new ArrayList<>();
        // the service (README, "Security and limits"): read requests and the registry, write results and dead
        // letters, its consumer group; nothing else
        allow(acls, "service", ResourceType.TOPIC, "skeleton.requests", AclOperation.READ);
        allow(acls, "service", ResourceType.TOPIC, "skeleton.tasks", AclOperation.READ);
        allow(acls, "service", ResourceType.TOPIC, "skeleton.tasks", AclOperation.DESCRIBE_CONFIGS);
        allow(acls, "service", ResourceType.TOPIC, "skeleton.labels", AclOperation.WRITE);
        allow(acls, "service", ResourceType.TOPIC, "skeleton.dlq", AclOperation.WRITE);
        allow(acls, "service", ResourceType.GROUP, APP_ID, AclOperation.READ);
        // and under exactly_once_v2 its transactions, whose ids start with the application id
        acls.add(new AclBinding(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, APP_ID, PatternType.PREFIXED),
                new AccessControlEntry("User:service", "*", AclOperation.WRITE, AclPermissionType.ALLOW)));
        // publish and retire: write the registry, and read it to compare versions
        allow(acls, "publisher", ResourceType.TOPIC, "skeleton.tasks", AclOperation.WRITE);
        allow(acls, "publisher", ResourceType.TOPIC, "skeleton.tasks", AclOperation.READ);
        allow(acls, "publisher", ResourceType.TOPIC, "skeleton.tasks", AclOperation.DESCRIBE_CONFIGS);
        // a client application: write requests, read results with its own group
        allow(acls, "client", ResourceType.TOPIC, "skeleton.requests", AclOperation.WRITE);
        allow(acls, "client", ResourceType.TOPIC, "skeleton.labels", AclOperation.READ);
        allow(acls, "client", ResourceType.GROUP, "client-reader", AclOperation.READ);
        // an attacker who may write requests, and nothing more
        allow(acls, "intruder", ResourceType.TOPIC, "skeleton.requests", AclOperation.WRITE);
        try (Admin admin = Admin.create(cluster.adminProperties())) {
            admin.createAcls(acls).all().get();
        }

        BaseModel base = BaseModel.loadDefault();
        TaskSkeleton sst2 = SyntheticSkeletons.random(base, "sst2", 4, 0.3, 1.0, 1);
        SkeletonFiles.write(sst2, root.resolve("skeletons/sst2/skeleton.avro"));
        SkeletonFiles.write(TaskSkeleton.newBuilder(sst2).setVersion(2).build(),
                root.resolve("skeletons/sst2-v2.avro"));
        // as deployed: shared settings (a ConfigMap), then each principal's credentials (a Secret)
        Files.writeString(root.resolve("settings.properties"), "bootstrap.servers=" + cluster.bootstrapServers()
                + "\n");
        for (Map.Entry<String, String> user : USERS.entrySet()) {
            Files.writeString(root.resolve(user.getKey() + ".properties"),
                    EmbeddedKafka.clientSecurity(user.getKey(), user.getValue()).entrySet().stream()
                            .map(e -> "kafka." + e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining("\n")) + "\n");
        }
    }

    @AfterAll
    static void stopBroker() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldServePublishAndRetireWithTheMinimalAclsAndRefuseAPublisherWithoutWriteOnTheRegistry()
            throws Exception {
        // Given sst2 published by the publisher
        CliRun publish = cli("publisher", "publish", "--root", root.toString(), "sst2");
        assertThat(publish.exitCode()).as(publish.err()).isZero();

        // When the service starts as a principal that may not create topics
        try (SkeletonStreamsApp app = startService(StreamsAppConfig.AT_LEAST_ONCE)) {
            // Then it serves sst2, and a client's request is labeled
            assertThat(app.registry().versions()).containsEntry("sst2", 1L);
            request("client", "r1");
            ClassificationResult result = readResult("r1");
            assertThat(result.getTask()).isEqualTo("sst2");
            assertThat(result.getSkeletonVersion()).isEqualTo(1);

            // and neither the service's principal (READ on the registry, no WRITE) nor an intruder who may write
            // requests can publish or retire: nothing changes
            String v2 = root.resolve("skeletons/sst2-v2.avro").toString();
            CliRun readerPublish = cli("service", "publish", v2);
            assertThat(readerPublish.exitCode()).isEqualTo(SkeletonCli.FAILURE);
            assertThat(readerPublish.err()).contains("cannot write task 'sst2' to skeleton.tasks")
                    .containsPattern(DENIED);
            for (CliRun forged : List.of(cli("intruder", "publish", v2), cli("intruder", "retire", "sst2"),
                    cli("service", "retire", "sst2"))) {
                assertThat(forged.exitCode()).isEqualTo(SkeletonCli.FAILURE);
                assertThat(forged.err()).containsPattern(DENIED).contains("skeleton.tasks");
            }
            assertThat(app.registry().versions()).containsEntry("sst2", 1L);

            // and the publisher's retire reaches the service
            CliRun retire = cli("publisher", "retire", "sst2");
            assertThat(retire.exitCode()).as(retire.err()).isZero();
            await(() -> app.registry().versions().isEmpty(), "sst2 retired");
        }

        // and under exactly-once too, with the transactional-id ACL
        assertThat(cli("publisher", "publish", root.resolve("skeletons/sst2-v2.avro").toString()).exitCode()).isZero();
        try (SkeletonStreamsApp app = startService(StreamsAppConfig.EXACTLY_ONCE_V2)) {
            request("client", "r2");
            assertThat(readResult("r2").getSkeletonVersion()).isEqualTo(2);
        }
    }

    private static SkeletonStreamsApp startService(String processingGuarantee) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsAppConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
        props.put(StreamsAppConfig.APPLICATION_ID, APP_ID);
        props.put(StreamsAppConfig.PROCESSING_GUARANTEE, processingGuarantee);
        props.put(StreamsAppConfig.HTTP_PORT, "-1");
        props.put(StreamsAppConfig.ENGINE_THREADS, "2");
        props.put("kafka.commit.interval.ms", "100");
        // a closed Kafka Streams instance does not leave its group: the next one waits this long for it
        props.put("kafka.session.timeout.ms", "6000");
        EmbeddedKafka.clientSecurity("service", USERS.get("service")).forEach((k, v) -> props.put("kafka." + k, v));
        return SkeletonStreamsApp.start(new StreamsAppConfig(props), BaseModel.loadDefault());
    }

    private static CliRun cli(String user, String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--config", root.resolve("settings.properties").toString(),
                "--config", root.resolve(user + ".properties").toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static void request(String user, String id) throws Exception {
        Map<String, Object> props = new HashMap<>(EmbeddedKafka.clientSecurity(user, USERS.get(user)));
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("skeleton.requests", bytes(id), bytes("{\"id\": \"" + id
                    + "\", \"task\": \"sst2\", \"text\": \"a gorgeous, witty, seductive movie.\"}"))).get();
        }
    }

    private static ClassificationResult readResult(String id) {
        Map<String, Object> props = new HashMap<>(EmbeddedKafka.clientSecurity("client", USERS.get("client")));
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "client-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("skeleton.labels"));
            while (System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    ClassificationResult result = SkeletonSerdes.resultDeserializer().deserialize(record.topic(),
                            record.value());
                    if (result.getRequestId().equals(id)) {
                        return result;
                    }
                }
            }
        }
        throw new AssertionError("no result for " + id + " within " + TIMEOUT);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within " + TIMEOUT).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static void allow(List<AclBinding> acls, String user, ResourceType type, String name,
            AclOperation operation) {
        acls.add(new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
