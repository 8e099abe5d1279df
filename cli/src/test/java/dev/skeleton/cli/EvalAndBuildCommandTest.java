package dev.skeleton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalAndBuildCommandTest {

    @TempDir
    static Path root;

    static Path data;

    @BeforeAll
    static void writeSkeletonsAndData() throws IOException {
        BaseModel base = BaseModel.loadDefault();
        SkeletonFiles.write(SyntheticSkeletons.random(base, "sst2", 4, 1.0, 1.0, 3), root.resolve("prompts/sst2/prompt.avro"));
        SkeletonFiles.write(SyntheticSkeletons.random(base, "sst2", 4, 0.3, 1.0, 3), root.resolve("skeletons/sst2/skeleton.avro"));
        data = root.resolve("dev.tsv");
        Files.writeString(data, "sentence\tlabel\na gorgeous film\t1\na dull mess\t0\nfine work\t1\n");
    }

    @Test
    void shouldEvaluatePromptAndSkeletonAsJsonLines() throws IOException {
        CliRun run = CliRun.of("eval", "--task", "sst2", "--data", data.toString(), "--root", root.toString(), "--json");

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
        assertThat(run.err()).contains("invalid build options: keep 1.5 must be in (0, 1]");
    }

    @Test
    void shouldRefuseABadTaskName() {
        CliRun run = CliRun.of("build", "--task", "../x", "--train", data.toString(), "--dev", data.toString());

        assertThat(run.exitCode()).isEqualTo(SkeletonCli.FAILURE);
        assertThat(run.err()).contains("task name '../x' must match");
    }
}
