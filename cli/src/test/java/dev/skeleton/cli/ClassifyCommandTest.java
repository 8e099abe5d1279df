package dev.skeleton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifyCommandTest {

    @TempDir
    static Path root;

    static Path skeletonFile;

    @BeforeAll
    static void writeSyntheticSkeleton() {
        BaseModel base = BaseModel.loadDefault();
        // under root's skeletons/ so both --skeleton PATH and --task NAME --root DIR find it
        skeletonFile = root.resolve("skeletons/sentiment/skeleton.avro");
        SkeletonFiles.write(SyntheticSkeletons.random(base, "sentiment", 4, 0.3, 1.0, 7), skeletonFile);
    }

    @Test
    void shouldPrintOneLinePerTextForSkeletonFile() {
        CliRun run = CliRun.of("classify", "--threads", "1", "--skeleton", skeletonFile.toString(),
                "a great movie", "terrible,\tboring and far too long", "fine");

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).hasSize(3)
                .allMatch(line -> line.matches("(negative|positive)\t[01]\\.\\d{4}\t.+"));
        assertThat(run.out().lines().toList().get(1))
                .as("tabs inside a text do not add columns")
                .endsWith("\tterrible, boring and far too long");
    }

    @Test
    void shouldClassifyInInt8AndRefuseAnUnknownPrecision() {
        CliRun int8 = CliRun.of("classify", "--threads", "1", "--precision", "int8", "--skeleton",
                skeletonFile.toString(), "a great movie");
        CliRun bad = CliRun.of("classify", "--precision", "int4", "--skeleton", skeletonFile.toString(), "x");

        assertThat(int8.exitCode()).as(int8.err()).isZero();
        assertThat(int8.out().lines()).hasSize(1)
                .allMatch(line -> line.matches("(negative|positive)\t[01]\\.\\d{4}\t.+"));
        assertThat(bad.exitCode()).isEqualTo(SkeletonCli.USAGE);
        assertThat(bad.err()).contains("'int4' is not a precision: fp32 or int8");
    }

    @Test
    void shouldPrintJsonObjectPerTextForTaskUnderRoot() throws Exception {
        CliRun run = CliRun.of("classify", "--json", "--threads", "1", "--root", root.toString(), "--task", "sentiment",
                "a great movie", "not my thing");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(run.out().lines().findFirst().orElseThrow());
        assertThat(first.get("text").asText()).isEqualTo("a great movie");
        assertThat(first.get("label").asText()).isIn("negative", "positive");
        double total = first.get("probabilities").get("negative").asDouble()
                + first.get("probabilities").get("positive").asDouble();
        assertThat(total).isCloseTo(1.0, Offset.offset(1e-4));
    }

    @Test
    void shouldNameBothSearchedPathsWhenTaskIsMissing() {
        CliRun run = CliRun.of("classify", "--root", root.toString(), "--task", "missing", "text");

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.FAILURE);
        assertThat(run.err()).startsWith("error: no skeleton for task 'missing': looked for ")
                .contains(root.resolve("skeletons/missing/skeleton.avro").toString())
                .contains(root.resolve("prompts/missing/prompt.avro").toString())
                .hasLineCount(1);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldNameMissingSkeletonFile() {
        CliRun run = CliRun.of("classify", "--skeleton", root.resolve("nope.avro").toString(), "text");

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.FAILURE);
        assertThat(run.err()).startsWith("error: skeleton file not found: ").contains("nope.avro");
    }

    @Test
    void shouldRefusePairForSingleTextTask() {
        CliRun run = CliRun.of("classify", "--skeleton", skeletonFile.toString(), "--pair", "other", "text");

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.FAILURE);
        assertThat(run.err()).isEqualTo("error: task 'sentiment' v1 classifies single texts: --pair does not apply"
                + System.lineSeparator());
    }

    @Test
    void shouldReportInvalidSkeletonInOneLineWithoutStackTrace() {
        TaskSkeleton foreign = SyntheticSkeletons.random(BaseModel.loadDefault(), "foreign", 2, 0.5, 1.0, 1);
        foreign.getBaseModel().setFingerprint("sha256:0000");
        Path file = root.resolve("foreign.avro");
        SkeletonFiles.write(foreign, file);

        CliRun run = CliRun.of("classify", "--skeleton", file.toString(), "text");

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.FAILURE);
        assertThat(run.err()).startsWith("error: invalid skeleton 'foreign' v1: base model fingerprint sha256:0000")
                .hasLineCount(1);
    }

    @Test
    void shouldLoadTheKnownBaseTheSkeletonWasBuiltOnWhenNoBaseIsNamed() {
        // Given a skeleton that records e5-small-v2 as its base, where no e5-small-v2 is installed
        Assumptions.assumeTrue(getClass().getClassLoader().getResource("e5-small-v2.onnx") == null,
                "e5-small-v2 is on the class path (-Pextra-bases)");
        TaskSkeleton onE5 = SyntheticSkeletons.random(BaseModel.loadDefault(), "on-e5", 2, 0.5, 1.0, 1);
        onE5.getBaseModel().setName("e5-small-v2");
        Path file = root.resolve("on-e5.avro");
        SkeletonFiles.write(onE5, file);
        String repository = System.getProperty("maven.repo.local");
        System.setProperty("maven.repo.local", root.resolve("empty-repository").toString());
        try {
            // When it is classified without --base-model, then the command reaches for that base, not the default
            CliRun run = CliRun.of("classify", "--skeleton", file.toString(), "text");

            assertThat(run.exitCode()).isEqualTo(SkeletonCli.FAILURE);
            assertThat(run.err()).startsWith("error: base model e5-small-v2 is not installed");

            // And --base-model overrides what the skeleton records (its weights are all-MiniLM-L6-v2's here)
            CliRun named = CliRun.of("classify", "--threads", "1", "--base-model", "all-minilm-l6-v2",
                    "--skeleton", file.toString(), "text");

            assertThat(named.err()).isEmpty();
            assertThat(named.out().lines()).hasSize(1);
        } finally {
            if (repository == null) {
                System.clearProperty("maven.repo.local");
            } else {
                System.setProperty("maven.repo.local", repository);
            }
        }
    }
}
