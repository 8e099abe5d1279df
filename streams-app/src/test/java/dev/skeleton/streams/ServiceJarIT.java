package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.streams.serde.SkeletonSerdes;
import dev.skeleton.streams.testkit.TestEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lean service artifact, {@code target/skeleton-service.jar} (built in the package phase, before this test):
 * what it holds and leaves out, and that it runs on its own, with a separate JVM started by {@code java -jar}
 * against a real broker, as the container images start it.
 */
class ServiceJarIT {

    private static final Path JAR = Path.of("target", "skeleton-service.jar");
    /** The limit the container image is sized by. */
    private static final long MAX_BYTES = 150L * 1000 * 1000;

    @Test
    void shouldHoldTheServiceAndNoTrainingEngineTestFrameworkOrForeignNatives() throws IOException {
        assertThat(JAR).as("built by mvn package").isRegularFile();
        assertThat(Files.size(JAR)).as("bytes of " + JAR).isLessThanOrEqualTo(MAX_BYTES);
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(SkeletonStreamsApp.class.getName());
            List<String> names = jar.stream().map(ZipEntry::getName).toList();
            assertThat(names).as("the service, its engine, its model")
                    .contains("dev/skeleton/streams/SkeletonStreamsApp.class",
                            "dev/skeleton/engine/runtime/SkeletonEngine.class", "all-minilm-l6-v2.onnx",
                            "ai/onnxruntime/native/linux-x64/libonnxruntime.so");
            assertThat(names).as("no training engine, builder, CLI or test framework")
                    .noneMatch(n -> n.startsWith("ai/djl/pytorch/") || n.contains("libtorch")
                            || n.startsWith("dev/skeleton/builder/") || n.startsWith("dev/skeleton/cli/")
                            || n.startsWith("org/junit/") || n.startsWith("junit/") || n.startsWith("org/assertj/")
                            || n.startsWith("kafka/server/"));
            assertThat(names).as("natives for Linux only")
                    .noneMatch(n -> n.endsWith(".dll") || n.endsWith(".dylib") || n.endsWith(".jnilib"));
        }
    }

    @Test
    void shouldExitWithTheProblemOnABadConfiguration(@TempDir Path dir) throws Exception {
        Process process = start(dir, List.of("batch.max.size=0"));
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits").isTrue();
        assertThat(process.exitValue()).as("exit code of a configuration error").isEqualTo(2);
        assertThat(Files.readString(dir.resolve("service.log"))).contains("batch.max.size");
    }

    @Test
    void shouldLabelRequestsWhenRunWithJavaJarAndStopOnSigterm(@TempDir Path dir) throws Exception {
        try (TestBroker broker = TestBroker.start()) {
            broker.createTopic("skeleton.tasks", 1, true);
            broker.publish("skeleton.tasks", TestEngine.skeleton("sst2", 1));
            Path properties = dir.resolve("service.properties");
            Files.writeString(properties, "bootstrap.servers=" + broker.bootstrapServers() + "\n"
                    + "application.id=service-jar-it-" + UUID.randomUUID() + "\n");
            Process process = start(dir, List.of(properties.toString(), "engine.threads=1", "http.port=0"));
            try {
                String json = "{\"id\": \"r1\", \"task\": \"sst2\", \"text\": \"a gorgeous, witty movie\"}";
                broker.producer().send(new ProducerRecord<>("skeleton.requests",
                        "r1".getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8))).get();

                List<ConsumerRecord<byte[], byte[]>> labeled =
                        broker.readCommitted("skeleton.labels", 1, r -> true, Duration.ofSeconds(120));
                ClassificationResult result =
                        SkeletonSerdes.resultDeserializer().deserialize("skeleton.labels", labeled.get(0).value());
                assertThat(result.getRequestId()).isEqualTo("r1");
                assertThat(result.getLabel()).isIn("negative", "positive");
            } finally {
                process.destroy();
                assertThat(process.waitFor(40, TimeUnit.SECONDS)).as("stops on SIGTERM within the grace period")
                        .isTrue();
            }
            assertThat(process.exitValue()).as("exit code after an orderly stop; log: " + dir.resolve("service.log"))
                    .isZero();
        }
    }

    private static Process start(Path dir, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Dai.djl.offline=true", "-jar", JAR.toAbsolutePath().toString()));
        command.addAll(arguments);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("service.log").toFile()).start();
    }
}
