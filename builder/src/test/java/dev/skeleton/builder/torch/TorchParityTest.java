package dev.skeleton.builder.torch;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.skeleton.avro.InputKind;
import dev.skeleton.avro.InputTemplate;
import dev.skeleton.avro.Pooling;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.runtime.EngineConfig;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.runtime.TaskModel;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import dev.skeleton.engine.text.EncodedBatch;
import dev.skeleton.engine.text.TaskTokenizer;
import dev.skeleton.engine.text.TextInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder's PyTorch forward and the server's ONNX Runtime skeleton compute the same logits. */
class TorchParityTest {

    private static final List<TextInput> SENTENCES = List.of(
            TextInput.of("it 's a charming and often affecting journey ."),
            TextInput.of("unflinchingly bleak and desperate"),
            TextInput.of("the acting , costumes , music , cinematography and sound are all astounding given the "
                    + "production 's austere locales ."));

    @Test
    void shouldMatchTheServingEngineOnASlicedSkeleton() {
        assertParity(SyntheticSkeletons.random(TestBase.get(), "parity", 20, 0.3, 0.75, 21));
    }

    @Test
    void shouldMatchTheServingEngineOnADeepPrompt() {
        BaseModel base = TestBase.get();
        assertParity(SyntheticSkeletons.withDeepPrompt(SyntheticSkeletons.random(base, "deep", 12, 0.3, 0.75, 23),
                base.weights().layers().size(), 24));
    }

    @Test
    void shouldMatchTheServingEngineWithLowRankFfnUpdates() {
        BaseModel base = TestBase.get();
        TaskSkeleton skeleton = SyntheticSkeletons.withFfnDeltas(
                SyntheticSkeletons.random(base, "adapted", 12, 0.3, 1.0, 25), base, 4, 26);
        assertThat(logits(skeleton)).as("the updates change the function")
                .isNotEqualTo(logits(TaskSkeleton.newBuilder(skeleton).setFfnDeltas(List.of()).build()));
        assertParity(skeleton);
    }

    @Test
    void shouldMatchTheServingEngineOnAPairTaskWithClsPooling() {
        TaskSkeleton pair = TaskSkeleton.newBuilder(SyntheticSkeletons.random(TestBase.get(), "pair", 8, 0.5, 1.0, 22))
                .setInput(InputTemplate.newBuilder().setKind(InputKind.PAIR).build())
                .setPooling(Pooling.CLS)
                .build();
        assertParity(pair, List.of(TextInput.pair("A man plays a guitar.", "Someone makes music."),
                TextInput.pair("Short.", "A much longer second sentence about something else entirely.")));
    }

    @Test
    void shouldMatchTheServingEngineOnASiamesePairTask() {
        BaseModel base = TestBase.get();
        TaskSkeleton siamese = SyntheticSkeletons.siamese(SyntheticSkeletons.withDeepPrompt(
                SyntheticSkeletons.random(base, "siamese", 8, 0.3, 0.75, 27), base.weights().layers().size(), 28), 29);
        assertParity(siamese, List.of(TextInput.pair("A man plays a guitar.", "Someone makes music."),
                TextInput.pair("Short.", "A much longer second sentence about something else entirely."),
                TextInput.pair("The cat sat on the mat, as it did every single morning of the week.", "A cat.")));
    }

    private static void assertParity(TaskSkeleton skeleton) {
        assertParity(skeleton, SENTENCES);
    }

    private static float[][] logits(TaskSkeleton skeleton) {
        try (SkeletonEngine engine = new SkeletonEngine(TestBase.get(), EngineConfig.defaults());
                TaskModel task = engine.load(skeleton)) {
            return task.forward(SENTENCES).logits();
        }
    }

    private static void assertParity(TaskSkeleton skeleton, List<TextInput> inputs) {
        BaseModel base = TestBase.get();
        float[][] served;
        try (SkeletonEngine engine = new SkeletonEngine(base, EngineConfig.defaults());
                TaskModel task = engine.load(skeleton)) {
            served = task.forward(inputs).logits();
        }
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                TorchEncoder encoder = new TorchEncoder(base.weights(), manager);
                TaskParameters params = TaskParameters.of(manager, skeleton);
                TaskTokenizer tokenizer = new TaskTokenizer(base.tokenizerJson(), skeleton.getInput(),
                        params.promptRows());
                NDManager step = manager.newSubManager()) {
            EncodedBatch batch = tokenizer.encode(inputs);
            NDArray logits = encoder.logits(step, batch, params,
                    encoder.layers(skeleton.getHeadsKept(), skeleton.getFfnKept()), skeleton.getPooling(),
                    skeleton.getInput().getKind(), null);
            float[] trained = logits.toFloatArray();
            int labels = skeleton.getLabels().size();
            for (int i = 0; i < inputs.size(); i++) {
                for (int j = 0; j < labels; j++) {
                    assertThat(Math.abs(trained[i * labels + j] - served[i][j]))
                            .as("|torch - onnxruntime| logit %d of input %d", j, i)
                            .isLessThanOrEqualTo(1e-3f);
                }
            }
        }
    }
}
