package dev.skeleton.cli.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.avro.BaseModelRef;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.cli.CliRun;
import dev.skeleton.cli.SkeletonCli;
import dev.skeleton.embedded.EmbeddedKafka;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import dev.skeleton.streams.registry.RegistrySigner;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code publish} and {@code retire} against a real single-node KRaft broker, in process. */
class RegistryCommandsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path root;

    private static EmbeddedKafka cluster;
    private static Admin admin;
    private static TaskSkeleton sst2;
    private static TaskSkeleton mrpc;
    private static Path mrpcFile;

    @BeforeAll
    static void startBrokerAndWriteSkeletons() throws Exception {
        cluster = EmbeddedKafka.start();
        admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));

        BaseModel base = BaseModel.loadDefault();
        sst2 = TaskSkeleton.newBuilder(SyntheticSkeletons.random(base, "sst2", 4, 0.3, 1.0, 1)).setVersion(3).build();
        SkeletonFiles.write(sst2, root.resolve("skeletons/sst2/skeleton.avro"));
        mrpc = SyntheticSkeletons.random(base, "mrpc", 4, 0.3, 1.0, 2);
        mrpcFile = root.resolve("elsewhere/mrpc-v1.avro");
        SkeletonFiles.write(mrpc, mrpcFile);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldPublishTaskFromRootAndFileByPathToCompactedRegistryTopicKeyedByTaskId() throws Exception {
        // When sst2 (by task name under --root) and mrpc (by path) are published to a topic that does not exist yet
        CliRun run = CliRun.of("publish", "--bootstrap-server", cluster.bootstrapServers(), "--root", root.toString(),
                "--registry-topic", "registry-a", "sst2", mrpcFile.toString());

        // Then both are on the topic, keyed by task id, each value the Avro single-object skeleton
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("published 'sst2' v3", "published 'mrpc' v1", "to registry-a");
        List<ConsumerRecord<String, byte[]>> records = readAll("registry-a", 2);
        assertThat(records).extracting(ConsumerRecord::key).containsExactly("sst2", "mrpc");
        assertThat(decode(records.get(0).value())).as("sst2 round trip").isEqualTo(sst2);
        assertThat(decode(records.get(1).value())).as("mrpc round trip").isEqualTo(mrpc);

        // and the topic was created compacted
        assertThat(cleanupPolicy("registry-a")).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    @Test
    void shouldRefuseInvalidSkeletonWithItsReasonAndPublishNothing() {
        // Given a valid skeleton and one built on another base model
        Path foreign = root.resolve("foreign.avro");
        SkeletonFiles.write(TaskSkeleton.newBuilder(mrpc).setTaskId("foreign")
                .setBaseModel(new BaseModelRef("sha256:0000", "other-model")).build(), foreign);

        // When both are published in one call
        CliRun run = CliRun.of("publish", "--bootstrap-server", cluster.bootstrapServers(), "--root", root.toString(),
                "--registry-topic", "registry-b", "sst2", foreign.toString());

        // Then the call fails on one line naming the skeleton and the reason, and the topic was never even created
        assertThat(run.exitCode()).isEqualTo(SkeletonCli.FAILURE);
        assertThat(run.err()).hasLineCount(1).startsWith("error: nothing published: invalid skeleton 'foreign' v1")
                .contains("base model fingerprint sha256:0000");
        assertThat(run.out()).isEmpty();
        assertThat(topics()).doesNotContain("registry-b");
    }

    @Test
    void shouldRefuseVersionThatIsNotNewerAndPublishItUnderGivenVersion() throws Exception {
        // Given sst2 v3 on the registry
        assertThat(CliRun.of("publish", "--bootstrap-server", cluster.bootstrapServers(), "--root", root.toString(),
                "--registry-topic", "registry-e", "sst2").exitCode()).isZero();

        // When the same version is published again
        CliRun again = CliRun.of("publish", "--bootstrap-server", cluster.bootstrapServers(), "--root",
                root.toString(), "--registry-topic", "registry-e", "sst2");

        // Then it is refused, naming both versions and the way out, and nothing more is written
        assertThat(again.exitCode()).isEqualTo(SkeletonCli.FAILURE);
        assertThat(again.err()).contains("'sst2' v3 is not newer than v3 on registry-e", "--as-version 4");

        // and with --as-version 4 it goes out as v4
        CliRun newer = CliRun.of("publish", "--bootstrap-server", cluster.bootstrapServers(), "--root",
                root.toString(), "--registry-topic", "registry-e", "--as-version", "4", "sst2");
        assertThat(newer.exitCode()).as(newer.err()).isZero();
        List<ConsumerRecord<String, byte[]>> records = readAll("registry-e", 2);
        assertThat(decode(records.get(1).value()).getVersion()).isEqualTo(4);
    }

    @Test
    void shouldRetireTaskWithTombstone() throws Exception {
        // Given sst2 on the registry
        assertThat(CliRun.of("publish", "--bootstrap-server", cluster.bootstrapServers(), "--root", root.toString(),
                "--registry-topic", "registry-c", "sst2").exitCode()).isZero();

        // When it is retired
        CliRun run = CliRun.of("retire", "--bootstrap-server", cluster.bootstrapServers(), "--registry-topic",
                "registry-c", "sst2");

        // Then the last record under key sst2 is a tombstone
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("retired 'sst2': tombstone on registry-c");
        List<ConsumerRecord<String, byte[]>> records = readAll("registry-c", 2);
        assertThat(records.get(1).key()).isEqualTo("sst2");
        assertThat(records.get(1).value()).as("tombstone").isNull();
    }

    @Test
    void shouldTakeBrokersAndRegistryTopicFromServiceConfigFile() throws Exception {
        // Given the service's properties file
        Path config = root.resolve("service.properties");
        Files.writeString(config, "bootstrap.servers=" + cluster.bootstrapServers() + "\n"
                + "registry.topic=registry-d\n"
                + "kafka.num.stream.threads=2\n");

        // When publishing with only --config
        CliRun run = CliRun.of("publish", "--config", config.toString(), "--root", root.toString(), "sst2");

        // Then the skeleton lands on the file's registry topic
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(readAll("registry-d", 1)).extracting(ConsumerRecord::key).containsExactly("sst2");
    }

    @Test
    void shouldSignPublishedAndRetiredRecordsWithTheConfiguredKey() throws Exception {
        // Given the service's properties file with a signing key from a file
        String key = "0123456789abcdef".repeat(4);
        Path keyFile = Files.writeString(root.resolve("signing.key"), key + "\n");
        Path config = root.resolve("signed.properties");
        Files.writeString(config, "bootstrap.servers=" + cluster.bootstrapServers() + "\n"
                + "registry.topic=registry-f\n"
                + "registry.signing.key=file:" + keyFile + "\n");

        // When sst2 is published, then retired
        CliRun publish = CliRun.of("publish", "--config", config.toString(), "--root", root.toString(), "sst2");
        CliRun retire = CliRun.of("retire", "--config", config.toString(), "sst2");

        // Then both records carry a signature that the service's signer accepts, and the key shows nowhere
        assertThat(publish.exitCode()).as(publish.err()).isZero();
        assertThat(retire.exitCode()).as(retire.err()).isZero();
        RegistrySigner signer = new RegistrySigner(key.getBytes(StandardCharsets.UTF_8));
        List<ConsumerRecord<String, byte[]>> records = readAll("registry-f", 2);
        for (ConsumerRecord<String, byte[]> r : records) {
            assertThat(signer.problem(r.key(), r.value(), r.headers())).as("signature of " + r).isEmpty();
        }
        assertThat(records.get(1).value()).as("tombstone").isNull();
        assertThat(publish.out() + publish.err() + retire.out() + retire.err()).doesNotContain(key);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static TaskSkeleton decode(byte[] value) throws Exception {
        return TaskSkeleton.getDecoder().decode(ByteBuffer.wrap(value));
    }

    private static List<String> topics() {
        try {
            return List.copyOf(admin.listTopics().names().get());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String cleanupPolicy(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        return config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
    }

    /** Reads {@code topic} from the start until {@code count} records came, or fails after the timeout. */
    private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (out.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertThat(out).as(count + " records on " + topic).hasSize(count);
        return out;
    }
}
