package dev.skeleton.builder.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import org.junit.jupiter.api.Test;

/** The mean of the last rounds' parameters is what is evaluated, and training goes on from the last round. */
class RoundAverageTest {

    @Test
    void shouldHoldTheMeanOfTheLastRoundsOnlyWhileTheActionRuns() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                TaskParameters params = TaskParameters.of(manager,
                        SyntheticSkeletons.random(TestBase.get(), "average", 4, 0.3, 1.0, 5));
                RoundAverage average = new RoundAverage(manager, 3)) {
            for (float round = 1; round <= 4; round++) {
                setAll(params, round);
                average.add(params);
            }
            assertThat(average.rounds()).as("the first round fell out of the window").isEqualTo(3);

            float[] mean = average.withMean(params, () -> params.prompt().toFloatArray());
            float[] meanBias = average.withMean(params, () -> params.headBias().toFloatArray());

            assertThat(mean).as("mean of rounds 2, 3 and 4").containsOnly(3f);
            assertThat(meanBias).containsOnly(3f);
            assertThat(params.prompt().toFloatArray()).as("the last round's values are back").containsOnly(4f);
            assertThat(params.prompt().hasGradient()).as("still trainable").isTrue();
        }
    }

    @Test
    void shouldRefuseAnEmptyWindowOrAMeanOfNothing() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                TaskParameters params = TaskParameters.of(manager,
                        SyntheticSkeletons.random(TestBase.get(), "average", 4, 0.3, 1.0, 5));
                RoundAverage average = new RoundAverage(manager, 1)) {
            assertThatThrownBy(() -> average.withMean(params, () -> 0)).hasMessageContaining("no round");
            assertThatThrownBy(() -> new RoundAverage(manager, 0)).hasMessageContaining("at least one round");
        }
    }

    private static void setAll(TaskParameters params, float value) {
        for (NDArray p : params.trainable()) {
            p.set(new NDIndex(":"), value);
        }
    }
}
