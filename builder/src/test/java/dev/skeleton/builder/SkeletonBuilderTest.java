package dev.skeleton.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.skeleton.avro.Pooling;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.builder.search.Candidate;
import dev.skeleton.builder.search.CandidateResult;
import dev.skeleton.builder.search.TimeLimit;
import dev.skeleton.builder.torch.TestBase;
import dev.skeleton.builder.train.AttributionMethod;
import dev.skeleton.builder.train.Evaluation;
import dev.skeleton.builder.train.Localization;
import dev.skeleton.builder.train.PromptTuner;
import dev.skeleton.builder.train.TrainingListener;
import dev.skeleton.builder.train.TrainingOptions;
import dev.skeleton.engine.runtime.EngineConfig;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.runtime.TaskModel;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import dev.skeleton.engine.text.TextInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole build on a tiny SST-2 subset: the search, artifacts that round-trip and serve, a task that did not learn.
 */
class SkeletonBuilderTest {

    @TempDir
    Path root;

    @Test
    void shouldSearchTheCandidatesAndShipTheFastestWithinTheBudget() {
        // a 100-point budget admits every candidate, so the search must ship the fastest one it measured; two
        // re-tuning epochs of 48 examples are two rounds, the second judged as a mean of round ends
        BuildOptions options = new BuildOptions("sst2", TestData.file("sst2-train-64.tsv"),
                TestData.file("sst2-dev-32.tsv"), TestData.SST2, root, 4, true, 64, Pooling.MEAN, false,
                List.of(0.1, 0.5), List.of(0.75, 1.0), 100, 1, Localization.Scope.PER_LAYER,
                AttributionMethod.GRADIENT_X_ACTIVATION, 1, 16, 48, new TrainingOptions(1, 0.02f, 16, 0f, 5), 2, 0.5, 4,
                true, 2, true, true, null, Duration.ZERO, null);
        ArtifactWriter writer = new ArtifactWriter(root);
        assertThat(writer.nextVersion("sst2")).isEqualTo(1);

        List<TaskSkeleton> tuned = new ArrayList<>();
        BuildResult result = new SkeletonBuilder(TestBase.get(), TrainingListener.SILENT, m -> { }).build(options, 1,
                tuned::add);
        assertThat(tuned).as("the prompt is handed out once, when prompt tuning ends").singleElement()
                .satisfies(p -> assertThat(p.getPrompt()).isEqualTo(result.prompt().getPrompt()));
        writer.writeCheckpoint(tuned.get(0));
        assertThat(writer.checkpointFile("sst2")).isNotEmptyFile();
        writer.write(result, "test build");
        assertThat(writer.checkpointFile("sst2")).as("removed once the build's artifacts are written").doesNotExist();

        assertThat(result.trainExamples() + result.validationExamples()).as("validation is held out of training")
                .isEqualTo(48);
        assertThat(result.validationExamples()).isEqualTo(8);
        assertThat(result.candidates()).extracting(CandidateResult::candidate).containsExactlyInAnyOrder(
                new Candidate(0.1, 0.75), new Candidate(0.1, 1.0), new Candidate(0.5, 0.75), new Candidate(0.5, 1.0));
        assertThat(result.candidates()).as("fastest first, by the time model fitted to their timings")
                .allSatisfy(c -> assertThat(c.fittedSpeedup()).isPositive())
                .isSortedAccordingTo(Comparator.comparingDouble((CandidateResult c) -> -c.fittedSpeedup()));
        CandidateResult fastest = result.candidates().get(0);
        assertThat(result.chosen()).as("everything is within a 100-point budget").isEqualTo(fastest.candidate());
        assertThat(fastest.status()).isEqualTo(CandidateResult.Status.CHOSEN);
        assertThat(fastest.validation()).isEqualTo(result.shipped().validation());
        assertThat(result.candidates()).filteredOn(c -> c.status().tried())
                .allSatisfy(c -> assertThat(c.dev()).isBetween(0.0, 1.0));

        TaskSkeleton skeleton = SkeletonFiles.read(writer.skeletonFile("sst2"));
        assertThat(skeleton).as("skeleton round-trips").isEqualTo(result.skeleton());
        assertThat(SkeletonFiles.read(writer.promptFile("sst2"))).isEqualTo(result.prompt());
        assertThat(result.prompt().getFfnKept()).as("prompt artifact keeps every neuron").isNull();
        int neurons = (int) Math.round(result.chosen().ffnKeep() * 1536);
        assertThat(skeleton.getFfnKept()).hasSize(6).allSatisfy(l -> assertThat(l).hasSize(neurons));
        assertThat(skeleton.getFfnDeltas()).as("a rank-4 update of each layer's kept FFN weights").hasSize(6)
                .allSatisfy(d -> assertThat(d.getUpB().getRows()).isEqualTo(4))
                .allSatisfy(d -> assertThat(d.getUpB().getCols()).isEqualTo(neurons));
        assertThat(result.prompt().getFfnDeltas()).as("the prompt on the full model has none").isEmpty();
        assertThat(skeleton.getLayerPrompts()).as("deep prompt: one offset per layer after the first").hasSize(5)
                .allSatisfy(m -> assertThat(m.getRows()).isEqualTo(4));
        assertThat(skeleton.getProvenance().getDataHashes()).containsKeys("sst2-train-64.tsv", "sst2-dev-32.tsv")
                .containsEntry("validation split", result.prompt().getProvenance().getDataHashes()
                        .get("validation split"));
        assertThat(skeleton.getProvenance().getOptions()).containsEntry("distill", "0.5")
                .containsEntry("halve_rate", "true").containsEntry("average_rounds", "2")
                .containsEntry("text_column", "sentence").containsEntry("header", "true");
        assertThat(skeleton.getMetrics()).containsKeys("dev_accuracy", "validation_accuracy", "speedup_batch32");
        assertThat(root.resolve("skeletons/sst2/report.md")).content()
                .contains("validation accuracy", "test build", "distilled the full model", "linear probe",
                        "fastest first", "Did the task learn?", "int8 weights (`engine.precision=int8`)",
                        "less its noise margin", "| luck of the best round | noise margin |",
                        "the mean of its parameters at the end of its last 2 rounds");
        assertThat(fastest.margin()).as("one paired standard error of its difference to the prompt")
                .isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
        assertThat(fastest.selectionBias()).as("the luck of the best of its rounds").isBetween(0.0, 1.0);
        assertThat(result.summary().get("validation")).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("skeleton_noise_margin", fastest.margin())
                .containsEntry("skeleton_selection_bias", fastest.selectionBias());
        // int8: the shipped skeleton scored and timed as an int8 engine serves it
        assertThat(result.int8().metrics().validation()).isBetween(0.0, 1.0);
        assertThat(result.int8().metrics().dev()).isBetween(0.0, 1.0);
        assertThat(result.int8().speed().median()).isPositive();
        assertThat(result.summary()).containsKey("int8");
        assertThat(root.resolve("skeletons/sst2/localization.json")).exists();
        assertThat(root.resolve("skeletons/sst2/validation-rounds.tsv")).as("every judged prediction, for audits")
                .content().contains("gold\t0\t", "prompt\t0\t", fastest.candidate() + "\t1\t")
                .satisfies(tsv -> assertThat(tsv.lines().filter(l -> !l.startsWith("#") && !l.startsWith("candidate")))
                        .allSatisfy(l -> assertThat(l.split("\t")[2].split(",")).hasSize(8)));
        assertThat(root.resolve("skeletons/sst2/sweep.png")).isNotEmptyFile();
        assertThat(root.resolve("skeletons/sst2/sweep.json")).content().contains("\"speed\"", "\"validation\"");
        assertThat(result.summary()).containsKeys("task", "version", "metric", "prompt", "skeleton", "validation",
                "speedup", "ffn_keep", "head_keep", "max_drop", "build_s", "linear_probe")
                .containsEntry("prompt_epochs", 1);
        assertThat(result.prompt().getMetrics()).as("the epochs a later --from-prompt build re-tunes by")
                .containsEntry("epochs", 1.0);
        assertThat(options.retuneEpochs(1)).as("set explicitly").isEqualTo(2);
        assertThat(root.resolve("skeletons/sst2/report.md")).content()
                .contains("| prompt tuning, full model (1 epoch) |");
        assertThat(writer.nextVersion("sst2")).isEqualTo(2);

        try (SkeletonEngine engine = new SkeletonEngine(TestBase.get(), EngineConfig.defaults());
                TaskModel task = engine.load(skeleton)) {
            assertThat(task.classify(List.of(TextInput.of("a fine film")))).hasSize(1);
        }

        // --from-prompt: a second build starts from the first one's prompt instead of training one; its time
        // limit is already spent when the search starts, so it tries nothing and ships the prompt
        BuildOptions again = withFromPrompt(options, options.training(), writer.promptFile("sst2"), true,
                Duration.ofNanos(1));
        BuildResult second = new SkeletonBuilder(TestBase.get(), TrainingListener.SILENT, m -> { }).build(again, 2,
                p -> fail("a prompt given by --from-prompt is not tuned, so not handed out"));
        assertThat(second.prompt().getPrompt()).as("the prompt is reused, not re-trained")
                .isEqualTo(result.prompt().getPrompt());
        assertThat(second.prompt().getLayerPrompts()).isEqualTo(result.prompt().getLayerPrompts());
        assertThat(second.promptMetrics()).isEqualTo(result.promptMetrics());
        assertThat(second.skeleton().getProvenance().getOptions()).containsKey("from_prompt");
        assertThat(second.candidates()).as("one FFN and one head ratio pin the shape").singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(CandidateResult.Status.SKIPPED_TIME));
        assertThat(second.chosen()).isEqualTo(Candidate.FULL);
        assertThat(second.skeleton().getFfnKept()).as("out of time: the prompt on the full model ships").isNull();
        assertThat(second.shipped()).isEqualTo(second.promptMetrics());

        BuildOptions mismatched = withFromPrompt(options, options.training(), writer.promptFile("sst2"), false,
                Duration.ZERO);
        assertThatThrownBy(() -> new SkeletonBuilder(TestBase.get(), TrainingListener.SILENT, m -> { })
                .build(mismatched, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot start from " + writer.promptFile("sst2"))
                .hasMessageContaining("its prompt is deep, but this build's is not (--no-deep-prompt)");
        // another seed holds out other validation examples, some of which the prompt was tuned on
        BuildOptions otherSplit = withFromPrompt(options, new TrainingOptions(1, 0.02f, 16, 0f, 6),
                writer.promptFile("sst2"), true, Duration.ZERO);
        assertThatThrownBy(() -> new SkeletonBuilder(TestBase.get(), TrainingListener.SILENT, m -> { })
                .build(otherSplit, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("it was tuned with another validation split held out")
                .hasMessageContaining("--seed");
    }

    @Test
    void shouldShowThePromptsCurveSayWhyItEndedAndWhenTheLossWasStillFalling() {
        String falling = ArtifactWriter.promptCurve(new PromptTuner.Tuned(Evaluation.NONE, 3,
                List.of(0.6531, 0.6833, 0.6859), List.of(0.93, 0.85, 0.82), PromptTuner.Ending.ALL_EPOCHS), "accuracy",
                "3");
        assertThat(falling).contains("ran 3 of at most 3 epochs (all of them)", "validation accuracy after each: "
                + "65.31, 68.33, 68.59; validation loss: 0.9300, 0.8500, 0.8200.", "still falling at the last epoch");
        String timed = ArtifactWriter.promptCurve(new PromptTuner.Tuned(Evaluation.NONE, 3,
                List.of(0.70, 0.74, 0.73), List.of(0.9, 0.8, 0.81), PromptTuner.Ending.TIME), "accuracy", "10");
        assertThat(timed).contains("ran 3 of at most 10 epochs (as many as end within 40% of the time limit)")
                .doesNotContain("still falling");
        String stopped = ArtifactWriter.promptCurve(new PromptTuner.Tuned(Evaluation.NONE, 5,
                List.of(0.68, 0.71, 0.73, 0.71, 0.74), List.of(0.93, 0.76, 0.73, 0.74, 0.72),
                PromptTuner.Ending.VALIDATION_LOSS), "accuracy", "10");
        assertThat(stopped).contains("ran 5 of at most 10 epochs (the validation loss stopped falling, so one "
                + "closing epoch ran").doesNotContain("still falling");
        assertThat(ArtifactWriter.promptCurve(new PromptTuner.Tuned(Evaluation.NONE, 8, List.of(), List.of(),
                PromptTuner.Ending.ALL_EPOCHS), "accuracy", "10")).as("a given prompt: no curve").isEmpty();
    }

    @Test
    void shouldReTuneAsManyEpochsAsThePromptRanByDefaultAtLeastThree() {
        BuildOptions byDefault = new BuildOptions("sst2", TestData.file("sst2-train-64.tsv"),
                TestData.file("sst2-dev-32.tsv"), TestData.SST2, root, 4, false, 64, Pooling.MEAN, false,
                List.of(0.3), List.of(1.0), 1, 1, Localization.Scope.PER_LAYER, AttributionMethod.GRADIENT_X_ACTIVATION,
                1, 16, 48, new TrainingOptions(1, 0.001f, 16, 0f, 5), 0, 0, 0, false, 1, false, false, null,
                Duration.ZERO, null);
        assertThat(byDefault.retuneEpochs(8)).isEqualTo(8);
        assertThat(byDefault.retuneEpochs(2)).isEqualTo(BuildOptions.MIN_RETUNE_EPOCHS);
        assertThat(byDefault.retuneEpochs(0)).as("a given prompt that recorded no epochs")
                .isEqualTo(BuildOptions.MIN_RETUNE_EPOCHS);
    }

    @Test
    void shouldEndTheSearchBeforeTheTimeLimitToLeaveTimeForWhatFollowsIt() {
        long minute = Duration.ofMinutes(1).toNanos();
        assertThat(SkeletonBuilder.searchTimeLimit(Duration.ofMinutes(30), 0).deadlineNanos()).isEqualTo(29 * minute);
        assertThat(SkeletonBuilder.searchTimeLimit(Duration.ofMinutes(5), 0).deadlineNanos()).isEqualTo(9 * minute / 2);
        assertThat(SkeletonBuilder.searchTimeLimit(Duration.ZERO, 0)).isSameAs(TimeLimit.NONE);
    }

    @Test
    void shouldShipNothingWhenTheTaskDidNotLearnJudgedOnAGivenValidationFile() throws Exception {
        // 48 training sentences, a validation file of 12 others, and one epoch: prompt tuning cannot clearly beat
        // the majority label
        List<String> dev = Files.readAllLines(TestData.file("sst2-dev-32.tsv"));
        Path validationFile = Files.write(root.resolve("validation.tsv"), dev.subList(0, 13));
        BuildOptions options = new BuildOptions("sst2", TestData.file("sst2-train-64.tsv"),
                TestData.file("sst2-dev-32.tsv"), TestData.SST2, root, 4, false, 64, Pooling.MEAN, false,
                List.of(0.3), List.of(1.0), 1, 1, Localization.Scope.PER_LAYER, AttributionMethod.GRADIENT_X_ACTIVATION,
                1, 16, 48, new TrainingOptions(1, 0.001f, 16, 0f, 5), 1, 0, 0, false, 1, false, false, null,
                Duration.ZERO, validationFile);
        assertThatThrownBy(() -> new BuildOptions("sst2", options.train(), options.dev(), TestData.SST2, root, 4,
                false, 64, Pooling.MEAN, false, List.of(0.3), List.of(1.0), 1, 1, Localization.Scope.PER_LAYER,
                AttributionMethod.GRADIENT_X_ACTIVATION, 1, 16, 48, options.training(), 1, 0, 0, false, 1, false,
                false, null, Duration.ZERO, options.dev()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the validation file must not be the dev file");
        ArtifactWriter writer = new ArtifactWriter(root);

        BuildResult result = new SkeletonBuilder(TestBase.get(), TrainingListener.SILENT, m -> { }).build(options, 1);
        writer.write(result, "weak build");

        assertThat(result.trainExamples()).as("all 48 sampled for training").isEqualTo(48);
        assertThat(result.validationExamples()).as("the validation file's rows").isEqualTo(12);
        assertThat(result.learning().learned()).as(result.learning().message()).isFalse();
        assertThat(result.ships()).isFalse();
        assertThat(result.summary()).containsEntry("shipped", false).containsEntry("skeleton", null);
        assertThat(writer.skeletonFile("sst2")).doesNotExist();
        assertThat(writer.promptFile("sst2")).doesNotExist();
        assertThat(writer.notShippedReport("sst2")).content()
                .contains("(not shipped)", "did not clearly learn the task", "--allow-weak");
    }

    private static BuildOptions withFromPrompt(BuildOptions o, TrainingOptions training, Path prompt, boolean deep,
            Duration timeLimit) {
        return new BuildOptions(o.taskId(), o.train(), o.dev(), o.columns(), o.root(), o.promptLength(), deep,
                o.maxTokens(), o.pooling(), o.siamese(), List.of(0.3), List.of(1.0), o.maxDrop(), o.noiseMargin(),
                o.scope(),
                o.method(), o.integrationSteps(), o.attributionExamples(), o.maxTrainExamples(), training,
                o.retuneEpochs(), 0, o.ffnRank(), o.halveRate(), o.averageRounds(), false,
                true, prompt, timeLimit, null);
    }
}
