package dev.skeleton.builder.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.skeleton.builder.data.LabeledExample;
import dev.skeleton.engine.text.TextInput;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetsTest {

    private final LabeledExample good = new LabeledExample(TextInput.of("a fine film"), 1, 2);
    private final LabeledExample bad = new LabeledExample(TextInput.of("a dull film"), 0, 3);

    @Test
    void shouldBeOneHotGoldLabelsWithoutATeacher() {
        assertThat(Targets.GOLD.of(List.of(good, bad), 2)).isDeepEqualTo(new float[][] {{0, 1}, {1, 0}});
    }

    @Test
    void shouldMixGoldLabelAndTeacherByWeight() {
        Targets targets = Targets.distilled(List.of(good, bad), new float[][] {{0.2f, 0.8f}, {0.4f, 0.6f}}, 0.25f);
        float[][] rows = targets.of(List.of(bad, good), 2);
        assertThat(rows[0][0]).isCloseTo(0.75f + 0.25f * 0.4f, within(1e-6f));
        assertThat(rows[0][1]).isCloseTo(0.25f * 0.6f, within(1e-6f));
        assertThat(rows[1][0]).isCloseTo(0.25f * 0.2f, within(1e-6f));
        assertThat(rows[1][1]).isCloseTo(0.75f + 0.25f * 0.8f, within(1e-6f));
    }

    @Test
    void shouldNameTheExampleWithoutATeacherPrediction() {
        Targets targets = Targets.distilled(List.of(good), new float[][] {{0.5f, 0.5f}}, 0.5f);
        assertThatThrownBy(() -> targets.of(List.of(bad), 2)).hasMessageContaining("line 3");
    }

    @Test
    void shouldRejectBadWeightsAndMismatchedPredictions() {
        assertThatThrownBy(() -> Targets.distilled(List.of(good), new float[][] {{1, 0}}, 1.5f))
                .hasMessageContaining("distillation weight 1.5 must be in [0, 1]");
        assertThatThrownBy(() -> Targets.distilled(List.of(good, bad), new float[][] {{1, 0}}, 0.5f))
                .hasMessageContaining("2 examples but 1 teacher predictions");
    }
}
