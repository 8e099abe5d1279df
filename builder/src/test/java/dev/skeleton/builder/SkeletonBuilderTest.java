package dev.skeleton.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skeleton.avro.Pooling;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.builder.torch.TestBase;
import dev.skeleton.builder.train.AttributionMethod;
import dev.skeleton.builder.train.Localization;
import dev.skeleton.builder.train.TrainingListener;
import dev.skeleton.builder.train.TrainingOptions;
import dev.skeleton.engine.runtime.EngineConfig;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.runtime.TaskModel;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import dev.skeleton.engine.text.TextInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole build on a tiny SST-2 subset: artifacts that round-trip and serve. */
class SkeletonBuilderTest {

    @TempDir
    Path root;

    @Test
    void shouldBuildWriteAndServeASkeleton() {
        BuildOptions options = new BuildOptions("sst2", TestData.file("sst2-train-64.tsv"),
                TestData.file("sst2-dev-32.tsv"), TestData.SST2, root, 4, true, 64, Pooling.MEAN, 0.3, 0.75,
                Localization.Scope.PER_LAYER, AttributionMethod.GRADIENT_X_ACTIVATION, 1, 16, 48,
                new TrainingOptions(1, 0.02f, 16, 0f, 5), 1, 0.5, List.of(0.5, 0.1), 1, true, null);
        ArtifactWriter writer = new ArtifactWriter(root);
        assertThat(writer.nextVersion("sst2")).isEqualTo(1);

        BuildResult result = new SkeletonBuilder(TestBase.get(), TrainingListener.SILENT, m -> { }).build(options, 1);
        writer.write(result, "test build");

        TaskSkeleton skeleton = SkeletonFiles.read(writer.skeletonFile("sst2"));
        assertThat(skeleton).as("skeleton round-trips").isEqualTo(result.skeleton());
        assertThat(SkeletonFiles.read(writer.promptFile("sst2"))).isEqualTo(result.prompt());
        assertThat(result.prompt().getFfnKept()).as("prompt artifact keeps every neuron").isNull();
        assertThat(skeleton.getFfnKept()).hasSize(6).allSatisfy(l -> assertThat(l).hasSize(461));
        assertThat(skeleton.getLayerPrompts()).as("deep prompt: one offset per layer after the first").hasSize(5)
                .allSatisfy(m -> assertThat(m.getRows()).isEqualTo(4));
        assertThat(skeleton.getHeadsKept()).allSatisfy(l -> assertThat(l).hasSize(9));
        assertThat(skeleton.getProvenance().getDataHashes()).containsKeys("sst2-train-64.tsv", "sst2-dev-32.tsv");
        assertThat(skeleton.getMetrics()).containsKeys("dev_accuracy", "speedup_batch32");
        assertThat(result.trainExamples()).isEqualTo(48);
        assertThat(root.resolve("skeletons/sst2/report.md")).content()
                .contains("dev accuracy", "test build", "distilled the full model");
        assertThat(skeleton.getProvenance().getOptions()).containsEntry("distill", "0.5");
        assertThat(root.resolve("skeletons/sst2/localization.json")).exists();
        assertThat(writer.nextVersion("sst2")).isEqualTo(2);
        assertThat(result.sweep()).extracting(SweepPoint::keep).containsExactly(0.5, 0.1);
        assertThat(root.resolve("skeletons/sst2/sweep.png")).isNotEmptyFile();
        assertThat(root.resolve("skeletons/sst2/sweep.json")).content().contains("\"speedup\"");
        assertThat(result.linearProbeMetric()).as("linear probe accuracy").isBetween(0.0, 1.0);
        assertThat(root.resolve("skeletons/sst2/report.md")).content().contains("linear probe");
        assertThat(root.resolve("skeletons/sst2/sweep.json")).content().contains("\"linear_probe\"");

        try (SkeletonEngine engine = new SkeletonEngine(TestBase.get(), EngineConfig.defaults());
                TaskModel task = engine.load(skeleton)) {
            assertThat(task.classify(List.of(TextInput.of("a fine film")))).hasSize(1);
        }

        // --from-prompt: a second build starts from the first one's prompt instead of training one
        BuildOptions again = withFromPrompt(options, writer.promptFile("sst2"), true);
        BuildResult second = new SkeletonBuilder(TestBase.get(), TrainingListener.SILENT, m -> { }).build(again, 2);
        assertThat(second.prompt().getPrompt()).as("the prompt is reused, not re-trained")
                .isEqualTo(result.prompt().getPrompt());
        assertThat(second.prompt().getLayerPrompts()).isEqualTo(result.prompt().getLayerPrompts());
        assertThat(second.promptMetric()).isEqualTo(result.promptMetric());
        assertThat(second.skeleton().getProvenance().getOptions()).containsKey("from_prompt");

        BuildOptions mismatched = withFromPrompt(options, writer.promptFile("sst2"), false);
        assertThatThrownBy(() -> new SkeletonBuilder(TestBase.get(), TrainingListener.SILENT, m -> { })
                .build(mismatched, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot start from " + writer.promptFile("sst2"))
                .hasMessageContaining("its prompt is deep, but --deep-prompt is not set");
    }

    private static BuildOptions withFromPrompt(BuildOptions o, Path prompt, boolean deep) {
        return new BuildOptions(o.taskId(), o.train(), o.dev(), o.columns(), o.root(), o.promptLength(), deep,
                o.maxTokens(), o.pooling(), o.ffnKeep(), o.headKeep(), o.scope(), o.method(), o.integrationSteps(),
                o.attributionExamples(), o.maxTrainExamples(), o.training(), o.retuneEpochs(), 0, List.of(), 0, false, prompt);
    }
}
