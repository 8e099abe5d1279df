package dev.skeleton.engine.skeleton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skeleton.avro.BaseModelRef;
import dev.skeleton.avro.ClassifierHead;
import dev.skeleton.avro.InputKind;
import dev.skeleton.avro.InputTemplate;
import dev.skeleton.avro.Matrix;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.TestModels;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.model.FloatTensor;
import dev.skeleton.engine.runtime.EngineConfig;
import dev.skeleton.engine.runtime.SkeletonEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every kind of invalid skeleton is refused by the engine with its reason. */
class InvalidSkeletonTest {

    private static BaseModel base;
    private static SkeletonEngine engine;

    @BeforeAll
    static void setUp() {
        base = TestModels.base();
        engine = new SkeletonEngine(base, EngineConfig.defaults().withThreads(1));
    }

    @AfterAll
    static void tearDown() {
        engine.close();
    }

    private static TaskSkeleton valid() {
        return SyntheticSkeletons.random(base, "sst2", 4, 0.3, 0.5, 1);
    }

    private static void assertRefused(UnaryOperator<TaskSkeleton.Builder> breakIt, String reason) {
        TaskSkeleton broken = breakIt.apply(TaskSkeleton.newBuilder(valid())).build();
        assertThatThrownBy(() -> engine.load(broken))
                .isInstanceOf(InvalidSkeletonException.class)
                .hasMessageContaining("invalid skeleton 'sst2' v1")
                .hasMessageContaining(reason);
    }

    @Test
    void shouldAcceptTheValidSkeleton() {
        assertThat(SkeletonValidator.problems(valid(), base)).isEmpty();
    }

    @Test
    void shouldRefuseAFingerprintMismatch() {
        assertRefused(b -> b.setBaseModel(new BaseModelRef("sha256:0000", "other")),
                "base model fingerprint sha256:0000 does not match");
    }

    @Test
    void shouldRefuseAPromptOfTheWrongWidth() {
        assertRefused(b -> b.setPrompt(Matrices.toAvro(FloatTensor.zeros(4, 256))),
                "prompt is 4 x 256, expected n x 384");
    }

    @Test
    void shouldRefuseNanInThePrompt() {
        FloatTensor prompt = FloatTensor.zeros(4, 384);
        prompt.data()[5] = Float.NaN;
        assertRefused(b -> b.setPrompt(Matrices.toAvro(prompt)),
                "prompt has a NaN or infinite value at row 0, column 5");
    }

    @Test
    void shouldAcceptLowRankFfnUpdatesThatFitTheKeptNeurons() {
        assertThat(SkeletonValidator.problems(SyntheticSkeletons.withFfnDeltas(valid(), base, 4, 2), base)).isEmpty();
    }

    @Test
    void shouldRefuseAnFfnUpdateForOtherNeurons() {
        TaskSkeleton wider = SyntheticSkeletons.withFfnDeltas(SyntheticSkeletons.random(base, "sst2", 4, 0.5, 0.5, 1),
                base, 4, 2);
        // 0.5 of 1536 neurons are 768; the valid skeleton keeps 0.3 of them, 461
        assertRefused(b -> b.setFfnDeltas(wider.getFfnDeltas()), "ffnDeltas[0].upB is 4 x 768, expected 4 x 461");
    }

    @Test
    void shouldRefuseFfnUpdatesForSomeLayersOnly() {
        TaskSkeleton adapted = SyntheticSkeletons.withFfnDeltas(valid(), base, 4, 2);
        assertRefused(b -> b.setFfnDeltas(adapted.getFfnDeltas().subList(0, 2)),
                "ffnDeltas has 2 entries, expected none or 6 (one per layer)");
    }

    @Test
    void shouldAcceptADeepPrompt() {
        assertThat(SkeletonValidator.problems(SyntheticSkeletons.withDeepPrompt(valid(), 6, 2), base)).isEmpty();
    }

    @Test
    void shouldRefuseADeepPromptWithTheWrongLayerCount() {
        assertRefused(b -> b.setLayerPrompts(SyntheticSkeletons.withDeepPrompt(valid(), 6, 2).getLayerPrompts()
                .subList(0, 4)), "layerPrompts has 4 matrices, expected none or 5");
    }

    @Test
    void shouldRefuseADeepPromptOfAnotherLengthThanThePrompt() {
        List<Matrix> offsets = new ArrayList<>(
                SyntheticSkeletons.withDeepPrompt(valid(), 6, 2).getLayerPrompts());
        offsets.set(3, Matrices.toAvro(FloatTensor.zeros(5, 384)));
        assertRefused(b -> b.setLayerPrompts(offsets), "layerPrompts[3] is 5 x 384, expected 4 x 384");
    }

    @Test
    void shouldRefuseInfinityInTheHead() {
        FloatTensor head = FloatTensor.zeros(384, 2);
        head.data()[3] = Float.POSITIVE_INFINITY;
        assertRefused(b -> b.setHead(new ClassifierHead(Matrices.toAvro(head), List.of(0f, 0f))),
                "head.weight has a NaN or infinite value");
    }

    @Test
    void shouldRefuseANeuronIndexOutOfRange() {
        assertRefused(b -> b.setFfnKept(withFirstIndex(b.getFfnKept(), 1536)),
                "ffnKept[0] index 1536 is out of range [0, 1536)");
    }

    @Test
    void shouldRefuseARepeatedNeuronIndex() {
        assertRefused(b -> {
            List<List<Integer>> kept = new ArrayList<>(b.getFfnKept());
            List<Integer> layer = new ArrayList<>(kept.get(2));
            layer.add(layer.get(0));
            kept.set(2, layer);
            return b.setFfnKept(kept);
        }, "ffnKept[2] repeats index");
    }

    @Test
    void shouldRefuseAHeadIndexOutOfRange() {
        assertRefused(b -> b.setHeadsKept(withFirstIndex(b.getHeadsKept(), 12)),
                "headsKept[0] index 12 is out of range [0, 12)");
    }

    @Test
    void shouldRefuseAWrongLayerCount() {
        assertRefused(b -> b.setFfnKept(b.getFfnKept().subList(0, 5)), "ffnKept lists 5 layers, the base model has 6");
    }

    @Test
    void shouldRefuseALabelCountThatDoesNotMatchTheHead() {
        assertRefused(b -> b.setLabels(List.of("negative", "neutral", "positive")),
                "head.weight is 384 x 2, expected 384 x 3");
    }

    @Test
    void shouldRefuseASiameseTaskWhoseHeadReadsOnlyOnePooledVector() {
        assertRefused(b -> b.setInput(InputTemplate.newBuilder(b.getInput()).setKind(InputKind.SIAMESE).build()),
                "head.weight is 384 x 2, expected 1536 x 2");
    }

    @Test
    void shouldRefuseABadTaskIdAndVersionTogether() {
        TaskSkeleton broken = TaskSkeleton.newBuilder(valid()).setTaskId("Bad Task!").setVersion(0).build();
        assertThat(SkeletonValidator.problems(broken, base))
                .as("all problems are reported at once")
                .anyMatch(p -> p.startsWith("taskId 'Bad Task!' must match"))
                .anyMatch(p -> p.equals("version 0 must be in [1, 1000000000000]"));
    }

    @Test
    void shouldRefuseVersionsLabelsAndTemplatesOverTheirLimits() {
        assertThat(SkeletonValidator.problems(TaskSkeleton.newBuilder(valid()).setVersion(Long.MAX_VALUE).build(),
                base))
                .containsExactly("version 9223372036854775807 must be in [1, 1000000000000]");
        assertRefused(b -> b.setLabels(List.of("negative", "p".repeat(200))), "(200 characters) must have at most 128");
        assertRefused(b -> b.setLabels(List.of("negative", "posi\ntive")), "no control characters");
        assertRefused(b -> b.setLabels(IntStream.range(0, 1_001).mapToObj(i -> "l" + i).toList()),
                "has 1001 labels, more than 1000");
        assertRefused(b -> b.setInput(InputTemplate.newBuilder().setKind(InputKind.SINGLE)
                .setTextFormat("{} {} {}").build()), "input.textFormat '{} {} {}' must contain {} exactly once");
    }

    @Test
    void shouldRefuseAPromptThatLeavesNoRoomForText() {
        assertRefused(b -> b.setInput(InputTemplate.newBuilder().setKind(InputKind.SINGLE)
                .setMaxTokens(6).build()), "input.maxTokens 6 leaves no room for text after a 4-row prompt");
    }

    private static List<List<Integer>> withFirstIndex(List<List<Integer>> kept, int index) {
        List<List<Integer>> copy = new ArrayList<>(kept);
        List<Integer> layer = new ArrayList<>(copy.get(0));
        layer.set(0, index);
        copy.set(0, layer);
        return copy;
    }
}
