package dev.skeleton.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.cli.CliException;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DemoSamplesTest {

    @Test
    void shouldBundleSamplesWhoseLabelsAreTheShippedSkeletonsLabels() {
        for (String task : Demo.TASKS) {
            Optional<DemoSamples> samples = DemoSamples.bundled(task);
            assertThat(samples).as("bundled samples of " + task).isPresent();
            Optional<Path> file = SkeletonFiles.find(Path.of(".."), task);
            if (file.isEmpty()) {
                continue; // a task not shipped yet
            }
            TaskSkeleton skeleton = SkeletonFiles.read(file.get());
            assertThat(samples.get().examples()).as(task + " gold labels").allSatisfy(e ->
                    assertThat(skeleton.getLabels()).contains(e.gold()));
            boolean pairTask = skeleton.getInput().getKind().name().equals("PAIR");
            assertThat(samples.get().examples()).as(task + " has text pairs exactly when its template is PAIR")
                    .allSatisfy(e -> assertThat(e.textPair() != null).isEqualTo(pairTask));
        }
    }

    @Test
    void shouldRefuseSampleLineWithoutThreeFieldsNamingLine() {
        BufferedReader lines =
                new BufferedReader(new StringReader("text\ttext_pair\tlabel\ngood\t\tpositive\nbad line\n"));
        assertThatThrownBy(() -> DemoSamples.parse("sst2", lines)).isInstanceOf(CliException.class)
                .hasMessageContaining("sst2, line 3");
    }

    @Test
    void shouldCycleThroughExamplesInOrder() throws Exception {
        DemoSamples samples = DemoSamples.parse("t", new BufferedReader(new StringReader(
                "text\ttext_pair\tlabel\na\t\tx\nb\t\ty\n")));
        assertThat(samples.get(0).text()).isEqualTo("a");
        assertThat(samples.get(3).text()).isEqualTo("b");
    }
}
