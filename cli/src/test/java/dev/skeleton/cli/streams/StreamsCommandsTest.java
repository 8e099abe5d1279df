package dev.skeleton.cli.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.cli.CliRun;
import dev.skeleton.cli.SkeletonCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** run, publish and retire without a broker: help, and every mistake caught before any connection is made. */
class StreamsCommandsTest {

    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(strings = {"run", "publish", "retire"})
    void shouldPrintHelpNamingBootstrapServerAndConfig(String command) {
        CliRun run = CliRun.of(command, "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: skeleton " + command).contains("--bootstrap-server=HOST:PORT",
                "--config=FILE");
    }

    @Test
    void shouldListStreamingCommandsInTopLevelHelp() {
        assertThat(CliRun.of("--help").out()).contains("run", "publish", "retire");
    }

    @Test
    void shouldRefuseBadSettingNamingKeyValueAndRuleOnOneLine() {
        CliRun run = CliRun.of("run", "--bootstrap-server", "localhost:1", "max.text.chars=0", "output.topic=a b");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(SkeletonCli.USAGE);
        assertThat(run.err()).hasLineCount(1)
                .startsWith("error: invalid streaming service configuration (2 problems): ")
                .contains("max.text.chars", "0", "output.topic", "'a b'", "skeleton run --help");
    }

    @Test
    void shouldRefuseArgumentThatIsNotKeyValue() {
        CliRun run = CliRun.of("run", "--bootstrap-server", "localhost:1", "sst2");

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.USAGE);
        assertThat(run.err()).hasLineCount(1).contains("'sst2' is not a key=value setting");
    }

    @Test
    void shouldRequireBootstrapServersFromOptionOrConfigFile() {
        CliRun run = CliRun.of("retire", "sst2");

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.USAGE);
        assertThat(run.err()).hasLineCount(1).contains("bootstrap.servers");
    }

    @Test
    void shouldNameUnreadableConfigFile() {
        CliRun run = CliRun.of("publish", "--config", root.resolve("missing.properties").toString(), "sst2");

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.USAGE);
        assertThat(run.err()).hasLineCount(1).contains("cannot read the properties file", "missing.properties");
    }

    @Test
    void shouldNameBothSearchedPathsWhenPublishedTaskIsMissing() throws Exception {
        Files.createDirectories(root.resolve("skeletons"));

        CliRun run = CliRun.of("publish", "--bootstrap-server", "localhost:1", "--root", root.toString(), "cola");

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.FAILURE);
        assertThat(run.err()).hasLineCount(1).startsWith("error: no skeleton for task 'cola': looked for ")
                .contains("skeletons/cola/skeleton.avro", "prompts/cola/prompt.avro");
    }

    @Test
    void shouldRefuseAVersionOutsideTheRangeEveryServiceAccepts() {
        CliRun run = CliRun.of("publish", "--bootstrap-server", "localhost:1", "--as-version", "9223372036854775807",
                "../skeletons/sst2/skeleton.avro");

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.USAGE);
        assertThat(run.err()).hasLineCount(1).contains("--as-version must be in [1, 1000000000000]");
    }

    @Test
    void shouldRefuseRetiringAnIllegalTaskId() {
        CliRun run = CliRun.of("retire", "--bootstrap-server", "localhost:1", "../etc");

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.USAGE);
        assertThat(run.err()).hasLineCount(1).contains("task '../etc' must match");
    }
}
