package dev.skeleton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skeleton.avro.BuildProvenance;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalAndBuildCommandTest {

    @TempDir
    static Path root;

    static Path data;

    static BaseModel base;

    @BeforeAll
    static void writeSkeletonsAndData() throws IOException {
        base = BaseModel.loadDefault();
        SkeletonFiles.write(SyntheticSkeletons.random(base, "sst2", 4, 1.0, 1.0, 3),
                root.resolve("prompts/sst2/prompt.avro"));
        SkeletonFiles.write(SyntheticSkeletons.random(base, "sst2", 4, 0.3, 1.0, 3),
                root.resolve("skeletons/sst2/skeleton.avro"));
        data = root.resolve("dev.tsv");
        Files.writeString(data, "sentence\tlabel\na gorgeous film\t1\na dull mess\t0\nfine work\t1\n");
    }

    @Test
    void shouldEvaluatePromptAndSkeletonAsJsonLines() throws IOException {
        CliRun run = CliRun.of("eval", "--task", "sst2", "--data", data.toString(), "--root", root.toString(),
                "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        JsonNode prompt = json.readTree(lines.get(0));
        JsonNode skeleton = json.readTree(lines.get(1));
        assertThat(prompt.get("variant").asText()).isEqualTo("prompt");
        assertThat(skeleton.get("variant").asText()).isEqualTo("skeleton");
        assertThat(skeleton.get("metric").asText()).isEqualTo("accuracy");
        assertThat(skeleton.get("examples").asInt()).isEqualTo(3);
        assertThat(skeleton.get("value").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void shouldSayWhenATaskHasNothingToEvaluate() {
        CliRun run = CliRun.of("eval", "--task", "rte", "--data", data.toString(), "--root", root.toString());

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.FAILURE);
        assertThat(run.err()).startsWith("error: no prompt or skeleton for task 'rte'");
    }

    @Test
    void shouldNameTheFileAndLineOfABadLabel() throws IOException {
        Path bad = root.resolve("bad.tsv");
        Files.writeString(bad, "sentence\tlabel\nok\t1\nodd\tmaybe\n");

        CliRun run = CliRun.of("eval", "--task", "sst2", "--data", bad.toString(), "--root", root.toString());

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.FAILURE);
        assertThat(run.err()).contains(bad + ":3: unknown label 'maybe'");
    }

    @Test
    void shouldRefuseAnInvalidKeepRatioBeforeTraining() {
        CliRun run = CliRun.of("build", "--task", "sst2", "--train", data.toString(), "--dev", data.toString(),
                "--keep", "1.5", "--root", root.toString());

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.FAILURE);
        assertThat(run.err()).contains("invalid build options: FFN keep ratio 1.5 must be in (0, 1]");
    }

    @Test
    void shouldReadDataWithTheColumnsTheSkeletonWasBuiltWith() throws IOException {
        // CoLA's layout: no header, the label in column 1, the sentence in column 3
        TaskSkeleton cola = TaskSkeleton.newBuilder(SyntheticSkeletons.random(base, "cola", 4, 0.3, 1.0, 3))
                .setLabels(List.of("unacceptable", "acceptable"))
                .setProvenance(BuildProvenance.newBuilder().setCreatedAtMillis(0).setTool("test").setSeed(1)
                        .setOptions(Map.of("text_column", "3", "pair_column", "null", "label_column", "1",
                                "header", "false"))
                        .build())
                .build();
        SkeletonFiles.write(cola, root.resolve("skeletons/cola/skeleton.avro"));
        Path file = root.resolve("cola-dev.tsv");
        Files.writeString(file,
                "gj04\t1\t\tThe sailors rode the breeze clear of the rocks.\ngj04\t0\t*\tThe more we study"
                + " verbs, the crazier they get get.\n");

        CliRun run = CliRun.of("eval", "--task", "cola", "--data", file.toString(), "--root", root.toString(),
                "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(new ObjectMapper().readTree(run.out().strip()).get("examples").asInt()).isEqualTo(2);
    }

    @Test
    void shouldExitWithNotLearnedAndShipNothingWhenTheTaskDidNotLearn() throws IOException {
        Path tiny = root.resolve("tiny.tsv");
        StringBuilder rows = new StringBuilder("sentence\tlabel\n");
        for (int i = 0; i < 24; i++) {
            rows.append(i % 2 == 0 ? "a gorgeous film " : "a dull mess ").append(i).append('\t').append(i % 2)
                    .append('\n');
        }
        Files.writeString(tiny, rows);
        Path buildRoot = root.resolve("weak");

        CliRun run = CliRun.of("build", "--task", "tiny", "--train", tiny.toString(), "--dev", tiny.toString(),
                "--epochs", "1", "--learning-rate", "0.0001", "--prompt-length", "2", "--root", buildRoot.toString(),
                "--json");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(SkeletonCli.NOT_LEARNED);
        JsonNode summary = new ObjectMapper().readTree(run.out().strip());
        assertThat(summary.get("shipped").asBoolean()).isFalse();
        assertThat(summary.get("validation").get("majority").asDouble()).isBetween(0.0, 1.0);
        assertThat(run.err()).contains("NOT SHIPPED", "--allow-weak");
        assertThat(buildRoot.resolve("skeletons/tiny/report-not-shipped.md")).exists();
        assertThat(buildRoot.resolve("skeletons/tiny/skeleton.avro")).doesNotExist();
    }

    @Test
    void shouldRefuseABadTaskName() {
        CliRun run = CliRun.of("build", "--task", "../x", "--train", data.toString(), "--dev", data.toString());

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.FAILURE);
        assertThat(run.err()).contains("task name '../x' must match");
    }
}
