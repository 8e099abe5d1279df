package dev.skeleton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SkeletonCliTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "classify", "bench"})
    void shouldPrintHelpForEverySubcommand(String subcommand) {
        CliRun run = subcommand.isEmpty() ? CliRun.of("--help") : CliRun.of(subcommand, "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith(("Usage: skeleton " + subcommand).strip());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void shouldListSubcommandsInTopLevelHelp() {
        assertThat(CliRun.of("--help").out()).contains("classify", "bench");
    }

    @Test
    void shouldDescribeClassifyOptions() {
        assertThat(CliRun.of("classify", "--help").out())
                .contains("--task=NAME", "--skeleton=PATH", "--pair=TEXT", "--root=DIR", "--json", "--threads=N");
    }

    @Test
    void shouldDescribeBenchOptions() {
        assertThat(CliRun.of("bench", "--help").out())
                .contains("--quick", "--json", "--threads=N", "--prompt-length=N", "--data=FILE");
    }

    @ParameterizedTest
    @CsvSource({"classify, --task sst2 --bogus text", "bench, --quick --bogus"})
    void shouldExitWithUsageErrorOnUnknownOption(String subcommand, String args) {
        CliRun run = CliRun.of((subcommand + " " + args).split(" "));

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.USAGE);
        assertThat(run.err()).startsWith("error: Unknown option: '--bogus'")
                .contains("skeleton " + subcommand + " --help")
                .hasLineCount(1);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldExitWithUsageErrorOnUnknownSubcommand() {
        assertThat(CliRun.of("train").exitCode()).isEqualTo(SkeletonCli.USAGE);
    }

    @Test
    void shouldExitWithUsageErrorWithoutSubcommand() {
        CliRun run = CliRun.of();

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.USAGE);
        assertThat(run.err()).contains("Usage: skeleton");
    }

    @Test
    void shouldRejectTaskTogetherWithSkeletonFile() {
        CliRun run = CliRun.of("classify", "--task", "sst2", "--skeleton", "x.avro", "text");

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.USAGE);
        assertThat(run.err()).startsWith("error: --task=NAME, --skeleton=PATH are mutually exclusive");
    }

    @Test
    void shouldRequireTaskOrSkeletonFile() {
        assertThat(CliRun.of("classify", "text").exitCode()).isEqualTo(SkeletonCli.USAGE);
    }

    @Test
    void shouldRequireAtLeastOneText() {
        CliRun run = CliRun.of("classify", "--task", "sst2");

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.USAGE);
        assertThat(run.err()).contains("TEXT");
    }

    @ParameterizedTest
    @CsvSource({"classify, --threads 0 --task sst2 text", "bench, --threads 0"})
    void shouldRejectThreadCountBelowOne(String subcommand, String args) {
        CliRun run = CliRun.of((subcommand + " " + args).split(" "));

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.USAGE);
        assertThat(run.err()).startsWith("error: --threads must be >= 1, got 0");
    }

    @Test
    void shouldRejectNegativePromptLength() {
        CliRun run = CliRun.of("bench", "--prompt-length", "-1");

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.USAGE);
        assertThat(run.err()).startsWith("error: --prompt-length must be >= 0");
    }

    @Test
    void shouldFailWithOneLineWhenBenchDataIsMissing() {
        CliRun run = CliRun.of("bench", "--quick", "--data", "no/such/file.tsv");

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.FAILURE);
        assertThat(run.err()).startsWith("error: benchmark data not found: ").contains("no/such/file.tsv")
                .hasLineCount(1);
    }

    @Test
    void shouldPrintVersion() {
        CliRun run = CliRun.of("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("skeleton ");
    }

    @Test
    void shouldRefuseSingleTextsMixedWithPairKindsBeforeLoadingAnything() {
        CliRun run = CliRun.of("bench", "--input", "single,siamese");

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.USAGE);
        assertThat(run.err()).contains("--input single cannot be combined with pair kinds");
    }
}
