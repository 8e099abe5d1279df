package dev.skeleton.builder.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.skeleton.avro.InputKind;
import dev.skeleton.avro.InputTemplate;
import dev.skeleton.avro.Pooling;
import dev.skeleton.builder.TestData;
import dev.skeleton.builder.data.ColumnSpec;
import dev.skeleton.builder.data.DatasetReader;
import dev.skeleton.builder.data.LabeledExample;
import dev.skeleton.builder.torch.TaskParameters;
import dev.skeleton.builder.torch.TestBase;
import dev.skeleton.builder.torch.TorchEncoder;
import dev.skeleton.builder.torch.TorchLayer;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.text.TaskTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Prompt tuning and attribution on the real base model, on 64 SST-2 sentences. */
class PromptTuningTest {

    private static BaseModel base;
    private static NDManager manager;
    private static TorchEncoder encoder;
    private static TaskTokenizer tokenizer;
    private static PromptTuner tuner;
    private static List<TorchLayer> full;
    private static List<LabeledExample> train;

    @BeforeAll
    static void setUp() {
        base = TestBase.get();
        manager = NDManager.newBaseManager("PyTorch");
        encoder = new TorchEncoder(base.weights(), manager);
        tokenizer = new TaskTokenizer(base.tokenizerJson(),
                InputTemplate.newBuilder().setKind(InputKind.SINGLE).setMaxTokens(64).build(), 4);
        tuner = new PromptTuner(encoder, tokenizer, Pooling.MEAN, 2);
        full = encoder.layers(null, null);
        train = DatasetReader.read(TestData.file("sst2-train-64.tsv"), TestData.SST2).examples();
    }

    @AfterAll
    static void tearDown() {
        tokenizer.close();
        manager.close();
    }

    private static TaskParameters fresh() {
        return TaskParameters.initial(manager, base.weights().wordEmbeddings(), InputKind.SINGLE, 4, 2, 7, 0);
    }

    @Test
    void shouldLowerTheTrainingLoss() {
        List<Double> epochLosses = new ArrayList<>();
        try (TaskParameters params = fresh()) {
            tuner.train("test", params, full, train, List.of(), GlueMetric.ACCURACY,
                    new TrainingOptions(4, 0.02f, 16, 0f, 3), new TrainingListener() {
                        @Override
                        public void step(String phase, int step, int totalSteps, double loss) {}

                        @Override
                        public void epoch(String phase, int epoch, int epochs, double meanLoss, double devMetric,
                                double devLoss) {
                            epochLosses.add(meanLoss);
                        }
                    });
        }
        assertThat(epochLosses).hasSize(4);
        assertThat(epochLosses.get(3)).as("last epoch's loss vs first %s", epochLosses).isLessThan(epochLosses.get(0));
    }

    /** A listener that adds "epoch/planned" to {@code epochs} after each epoch. */
    private static TrainingListener recordingEpochs(List<String> epochs) {
        return new TrainingListener() {
            @Override
            public void step(String phase, int step, int totalSteps, double loss) {}

            @Override
            public void epoch(String phase, int epoch, int planned, double meanLoss, double devMetric,
                    double devLoss) {
                epochs.add(epoch + "/" + planned);
            }
        };
    }

    @Test
    void shouldRunOnlyTheEpochsThatFitItsTime() {
        List<String> epochs = new ArrayList<>();
        TrainingListener listener = recordingEpochs(epochs);
        try (TaskParameters params = fresh()) {
            // no time at all: the first epoch still runs, and the plan shrinks to it
            PromptTuner.Tuned tuned = tuner.tune("test", params, full, train, train.subList(0, 8),
                    GlueMetric.ACCURACY, new TrainingOptions(3, 0.02f, 16, 0f, 3), 0, listener);
            assertThat(tuned.epochs()).isEqualTo(1);
            assertThat(tuned.validation().predicted()).hasSize(8);
        }
        assertThat(epochs).containsExactly("1/1");
        epochs.clear();
        try (TaskParameters params = fresh()) {
            PromptTuner.Tuned tuned = tuner.tune("test", params, full, train, List.of(), GlueMetric.ACCURACY,
                    new TrainingOptions(3, 0.02f, 16, 0f, 3), Double.POSITIVE_INFINITY, listener);
            assertThat(tuned.epochs()).isEqualTo(3);
        }
        assertThat(epochs).containsExactly("1/3", "2/3", "3/3");
    }

    @Test
    void shouldEndOneEpochAfterTheValidationLossStopsFalling() {
        List<String> epochs = new ArrayList<>();
        TrainingListener listener = recordingEpochs(epochs);
        // 16 sentences learned at a high rate, judged on 48 others: the held-out loss soon rises
        try (TaskParameters params = fresh()) {
            PromptTuner.Tuned tuned = tuner.tune("test", params, full, train.subList(0, 16), train.subList(16, 64),
                    GlueMetric.ACCURACY, new TrainingOptions(10, 0.05f, 16, 0f, 3), Double.POSITIVE_INFINITY,
                    listener);
            List<Double> losses = tuned.lossCurve();
            assertThat(tuned.ending()).as("losses %s", losses).isEqualTo(PromptTuner.Ending.VALIDATION_LOSS);
            int trigger = tuned.epochs() - 1;
            assertThat(trigger).as("the epoch whose loss stopped falling").isBetween(2, 8);
            assertThat(PromptTuner.lossStoppedFalling(losses.subList(0, trigger))).as("losses %s", losses).isTrue();
            for (int k = 1; k < trigger; k++) {
                assertThat(PromptTuner.lossStoppedFalling(losses.subList(0, k))).as("losses %s", losses).isFalse();
            }
            assertThat(tuned.curve()).hasSize(tuned.epochs());
            assertThat(epochs).as("the plan shrinks to one more epoch when the loss stops falling")
                    .endsWith(trigger + "/" + tuned.epochs(), tuned.epochs() + "/" + tuned.epochs());
        }
    }

    @Test
    void shouldTellWhenTheLossStoppedFalling() {
        assertThat(PromptTuner.lossStoppedFalling(List.of(0.9))).isFalse();
        assertThat(PromptTuner.lossStoppedFalling(List.of(0.9, 0.8))).isFalse();
        assertThat(PromptTuner.lossStoppedFalling(List.of(0.9, 0.8, 0.8))).isTrue();
        assertThat(PromptTuner.lossStoppedFalling(List.of(0.9, 0.7, 0.8))).as("above the lowest, below the last")
                .isTrue();
        assertThat(PromptTuner.lossStoppedFalling(List.of(0.9, 0.7, 0.8, 0.6))).isFalse();
    }

    @Test
    void shouldMeasureTheHeldOutLossAsTheMeanCrossEntropyOfTheGoldLabels() {
        try (TaskParameters params = fresh()) {
            List<LabeledExample> held = train.subList(0, 12);
            Evaluation evaluation = tuner.score(params, full, held, GlueMetric.ACCURACY);
            float[][] p = tuner.probabilities(params, full, held);
            double expected = IntStream.range(0, held.size()).mapToDouble(i -> -Math.log(p[i][held.get(i).label()]))
                    .average().orElseThrow();
            assertThat(evaluation.loss()).isCloseTo(expected, within(1e-9))
                    .isGreaterThan(0.1);
        }
    }

    @Test
    void shouldPredictEachExampleAsItWouldAloneThoughBatchesAreFormedByLength() {
        try (TaskParameters params = fresh()) {
            float[][] batched = tuner.probabilities(params, full, train);

            assertThat(batched).hasNumberOfRows(train.size());
            for (int i = 0; i < train.size(); i += 9) {
                float[] alone = tuner.probabilities(params, full, List.of(train.get(i)))[0];
                assertThat(batched[i]).as("example %d", i).containsExactly(alone, within(1e-5f));
            }
        }
    }

    @Test
    void shouldFollowTheTeacherWhenDistilling() {
        // a teacher that is sure of the wrong label on every example: with weight 1 the student must learn the
        // teacher's answers, not the gold labels (which it never sees)
        float[][] wrong = train.stream().map(e -> e.label() == 0 ? new float[] {0.05f, 0.95f} :
                new float[] {0.95f, 0.05f})
                .toArray(float[][]::new);
        try (TaskParameters params = fresh()) {
            tuner.train("test", params, full, train, Targets.distilled(train, wrong, 1f), List.of(),
                    GlueMetric.ACCURACY,
                    new TrainingOptions(4, 0.02f, 16, 0f, 3), TrainingListener.SILENT);
            int[] predicted = tuner.predict(params, full, train);
            long followsTeacher = IntStream.range(0, predicted.length)
                    .filter(i -> predicted[i] != train.get(i).label()).count();
            assertThat(followsTeacher).as("predictions that follow the teacher, of %d", train.size())
                    .isGreaterThan(train.size() * 3L / 4);
        }
    }

    @Test
    void shouldDropNonFiniteStepsAndStopWithAClearErrorWhenTrainingDiverges() {
        // an absurd learning rate throws the prompt to ~1e38 after one step; every later loss is NaN
        try (TaskParameters params = fresh()) {
            assertThatThrownBy(() -> tuner.train("test", params, full, train, List.of(), GlueMetric.ACCURACY,
                    new TrainingOptions(1, 3e38f, 16, 0f, 3), TrainingListener.SILENT))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("test diverged: 3 of 4 steps of epoch 1 had a non-finite loss or gradient");
        }
    }

    @Test
    void shouldGiveGradientsToThePromptAndHeadOnly() {
        try (TaskParameters params = fresh(); NDManager step = manager.newSubManager()) {
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                collector.backward(tuner.loss(step, params, full, train.subList(0, 8), null));
            }
            for (NDArray p : params.trainable()) {
                assertThat(p.getGradient().abs().sum().getFloat()).as("gradient of %s", p.getShape()).isPositive();
            }
            TorchLayer layer = full.get(0);
            for (NDArray frozen : List.of(layer.query(), layer.ffnIn(), layer.ffnOut(), layer.attentionGamma())) {
                assertThat(frozen.hasGradient()).as("frozen weight %s has no gradient", frozen.getShape()).isFalse();
            }
        }
    }

    @Test
    void shouldTrainASiameseHeadOnEveryFeatureOfThePair() {
        // Given a SIAMESE pair task: each text of a pair encoded alone, the head on [u, v, |u - v|, u * v]
        List<LabeledExample> pairs = DatasetReader.read(TestData.file("rte-train-16.tsv"), new ColumnSpec("sentence1",
                "sentence2", "label", List.of("not_entailment", "entailment"), true)).examples();
        try (TaskTokenizer siamese = new TaskTokenizer(base.tokenizerJson(),
                        InputTemplate.newBuilder().setKind(InputKind.SIAMESE).setMaxTokens(64).build(), 4);
                TaskParameters params = TaskParameters.initial(manager, base.weights().wordEmbeddings(),
                        InputKind.SIAMESE, 4, 2, 7, 0);
                NDManager step = manager.newSubManager()) {
            PromptTuner pairTuner = new PromptTuner(encoder, siamese, Pooling.MEAN, 2);
            assertThat(siamese.encode(pairs.subList(0, 8).stream().map(LabeledExample::input).toList()).size())
                    .as("two encoder rows per pair").isEqualTo(16);

            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                collector.backward(pairTuner.loss(step, params, full, pairs.subList(0, 8), null));
            }

            // Then the head spans the four features and each of them gets a gradient, and so does the prompt
            NDArray headGradient = params.headWeight().getGradient();
            assertThat(headGradient.getShape().getShape()).containsExactly(4 * 384, 2);
            for (int feature = 0; feature < 4; feature++) {
                assertThat(headGradient.get(feature * 384 + ":" + (feature + 1) * 384).abs().sum().getFloat())
                        .as("gradient of the head's rows on feature %d", feature).isPositive();
            }
            assertThat(params.prompt().getGradient().abs().sum().getFloat()).isPositive();
            float[][] batched = pairTuner.probabilities(params, full, pairs);
            assertThat(batched).as("one distribution per pair").hasNumberOfRows(pairs.size());
            assertThat(batched[5]).as("a pair's prediction, batched by length or alone")
                    .containsExactly(pairTuner.probabilities(params, full, List.of(pairs.get(5)))[0], within(1e-5f));
            Attribution.Scores scores = new Attribution(pairTuner, base.weights()).score(params, full,
                    pairs.subList(0, 6), AttributionMethod.GRADIENT_X_ACTIVATION, 1, 4);
            assertThat(scores.skipped()).isZero();
            assertThat(Arrays.stream(scores.ffn()[0]).sum()).as("layer 1's neuron scores, both texts' passes")
                    .isPositive();
        }
    }

    @Test
    void shouldGiveGradientsToEveryLayerOfADeepPrompt() {
        try (TaskParameters params = TaskParameters.initial(manager, base.weights().wordEmbeddings(), InputKind.SINGLE,
                4, 2, 7, 6);
                NDManager step = manager.newSubManager()) {
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                collector.backward(tuner.loss(step, params, full, train.subList(0, 8), null));
            }
            NDArray offsets = params.trainable().get(1);
            assertThat(offsets.getShape().getShape()).as("one 4 x 384 offset per layer after the first")
                    .containsExactly(5, 4, 384);
            for (int layer = 0; layer < 5; layer++) {
                assertThat(offsets.getGradient().get(layer).abs().sum().getFloat()).as("gradient of layer %d's offset",
                        layer + 1).isPositive();
            }
        }
    }

    @Test
    void shouldScoreEveryNeuronAndHeadDeterministically() {
        try (TaskParameters params = fresh()) {
            Attribution attribution = new Attribution(tuner, base.weights());
            Attribution.Scores first = attribution.score(params, full, train.subList(0, 12),
                    AttributionMethod.GRADIENT_X_ACTIVATION, 1, 8);
            Attribution.Scores again = attribution.score(params, full, train.subList(0, 12),
                    AttributionMethod.GRADIENT_X_ACTIVATION, 1, 8);
            Attribution.Scores integrated = attribution.score(params, full, train.subList(0, 4),
                    AttributionMethod.INTEGRATED_GRADIENTS, 3, 4);

            assertThat(first.ffn()).hasDimensions(6, 1536);
            assertThat(first.heads()).hasDimensions(6, 12);
            // PyTorch's multi-threaded CPU reductions vary the summation order between runs, so "deterministic"
            // means equal up to float rounding, and the same units selected
            assertCloseToScale(first.ffn(), again.ffn());
            assertCloseToScale(first.heads(), again.heads());
            List<List<Integer>> kept = Localization.select(first.ffn(), 0.3, Localization.Scope.PER_LAYER, 1);
            List<List<Integer>> keptAgain = Localization.select(again.ffn(), 0.3, Localization.Scope.PER_LAYER, 1);
            long same = 0;
            for (int l = 0; l < kept.size(); l++) {
                same += kept.get(l).stream().filter(keptAgain.get(l)::contains).count();
            }
            assertThat(same).as("neurons selected by both runs of %d", 6 * 461)
                    .isGreaterThanOrEqualTo(6 * 461 * 98 / 100);
            assertThat(Arrays.stream(first.ffn()[3]).min().orElseThrow()).as("smallest score")
                    .isGreaterThanOrEqualTo(0);
            assertThat(Arrays.stream(first.ffn()[3]).max().orElseThrow()).as("largest score").isPositive();
            assertThat(integrated.ffn()).hasDimensions(6, 1536);
        }
    }

    /** Every score within 1% of its layer's largest score of the other run's. */
    private static void assertCloseToScale(double[][] a, double[][] b) {
        for (int l = 0; l < a.length; l++) {
            double scale = Arrays.stream(a[l]).max().orElseThrow();
            for (int i = 0; i < a[l].length; i++) {
                assertThat(Math.abs(a[l][i] - b[l][i])).as("layer %d unit %d", l, i).isLessThanOrEqualTo(0.01 * scale);
            }
        }
    }
}
