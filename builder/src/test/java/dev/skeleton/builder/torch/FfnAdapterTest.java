package dev.skeleton.builder.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.skeleton.avro.FfnDelta;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.model.FloatTensor;
import dev.skeleton.engine.skeleton.Matrices;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Low-rank FFN updates: fresh ones change nothing, and a warm start of a smaller skeleton keeps its neurons' part. */
class FfnAdapterTest {

    @Test
    void shouldStartAtZeroAndStoreTheScaleFoldedIn() {
        BaseModel base = TestBase.get();
        TaskSkeleton skeleton = SyntheticSkeletons.random(base, "fresh", 4, 0.3, 1.0, 31);
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                TorchEncoder encoder = new TorchEncoder(base.weights(), manager);
                TaskParameters params = TaskParameters.of(manager, skeleton)) {
            assertThat(params.ffnDeltas()).isEmpty();
            int trainable = params.trainable().size();
            params.addFfnAdapters(encoder.layers(null, skeleton.getFfnKept()), 3, 7);

            assertThat(params.trainable()).hasSize(trainable + 4 * 6);
            List<FfnDelta> deltas = params.ffnDeltas();
            assertThat(deltas).hasSize(6);
            FfnDelta first = deltas.get(0);
            assertThat(Matrices.toTensor(first.getUpA()).shape()).containsExactly(384, 3);
            assertThat(Matrices.toTensor(first.getUpB()).shape()).containsExactly(3, 461);
            assertThat(Matrices.toTensor(first.getUpB()).data()).as("B starts at zero: the update is off")
                    .containsOnly(0f);
            assertThat(Matrices.toTensor(first.getDownA()).shape()).containsExactly(461, 3);
            assertThat(Matrices.toTensor(first.getDownB()).data()).containsOnly(0f);
        }
    }

    @Test
    void shouldKeepTheUpdateOfTheNeuronsASmallerSkeletonKeeps() {
        BaseModel base = TestBase.get();
        TaskSkeleton wide = SyntheticSkeletons.withFfnDeltas(SyntheticSkeletons.random(base, "wide", 4, 0.5, 1.0, 32),
                base, 2, 33);
        // the smaller skeleton keeps every other neuron of the wide one's
        List<List<Integer>> narrow = new ArrayList<>();
        for (List<Integer> layer : wide.getFfnKept()) {
            List<Integer> half = new ArrayList<>();
            for (int i = 0; i < layer.size(); i += 2) {
                half.add(layer.get(i));
            }
            narrow.add(half);
        }
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                TaskParameters params = TaskParameters.of(manager, wide, narrow)) {
            FloatTensor wideUpB = Matrices.toTensor(wide.getFfnDeltas().get(0).getUpB());
            FloatTensor upB = Matrices.toTensor(params.ffnDeltas().get(0).getUpB());
            FloatTensor downA = Matrices.toTensor(params.ffnDeltas().get(0).getDownA());
            assertThat(upB.shape()).containsExactly(2, narrow.get(0).size());
            assertThat(downA.shape()).containsExactly(narrow.get(0).size(), 2);
            assertThat(upB.data()[1]).as("column 1 is the wide skeleton's column 2")
                    .isCloseTo(wideUpB.data()[2], within(1e-7f));
            // the stored B has the training scale folded in: the copy trains at that scale again, as a fresh one
            // does, instead of moving ten times faster
            float trainedUpB = params.ffnAdapter(0).trainable().get(1).toFloatArray()[1];
            assertThat(trainedUpB).isCloseTo(wideUpB.data()[2] / FfnAdapter.SCALE, within(1e-6f));
            assertThat(params.ffnDeltas().get(0).getUpA()).isEqualTo(wide.getFfnDeltas().get(0).getUpA());
        }
    }

    @Test
    void shouldRefuseToStartFromASkeletonWithoutTheNeuronsKept() {
        BaseModel base = TestBase.get();
        TaskSkeleton narrow = SyntheticSkeletons.withFfnDeltas(
                SyntheticSkeletons.random(base, "narrow", 4, 0.1, 1.0, 34), base, 2, 35);
        List<List<Integer>> other = SyntheticSkeletons.random(base, "other", 4, 0.3, 1.0, 36).getFfnKept();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            assertThatThrownBy(() -> TaskParameters.of(manager, narrow, other))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has no FFN update in the skeleton to start from");
        }
    }
}
