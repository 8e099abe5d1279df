package dev.skeleton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The CLI jar that {@code ./skeleton} runs (built in the package phase, before this test). */
class CliJarIT {

    private static final Path JAR = Path.of("target", "skeleton-cli.jar");

    @Test
    void shouldCarryEveryCommandAndNoTestFramework() throws IOException {
        assertThat(JAR).as("built by mvn package").isRegularFile();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(SkeletonCli.class.getName());
            List<String> names = jar.stream().map(ZipEntry::getName).toList();
            assertThat(names).as("the service, the builder and the embedded broker of the demo")
                    .contains("dev/skeleton/streams/SkeletonStreamsApp.class",
                            "dev/skeleton/builder/SkeletonBuilder.class",
                            "org/apache/kafka/common/test/KafkaClusterTestKit.class");
            assertThat(names).as("no test framework: JUnit, the Kafka test kit's JUnit extensions, AssertJ")
                    .noneMatch(n -> n.startsWith("org/junit/") || n.startsWith("junit/")
                            || n.startsWith("org/apache/kafka/common/test/junit/") || n.startsWith("org/assertj/")
                            || n.startsWith("META-INF/services/org.junit."));
        }
    }
}
