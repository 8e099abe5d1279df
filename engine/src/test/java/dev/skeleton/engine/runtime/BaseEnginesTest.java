package dev.skeleton.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skeleton.avro.BaseModelRef;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.TestModels;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.model.EncoderWeights;
import dev.skeleton.engine.skeleton.InvalidSkeletonException;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import dev.skeleton.engine.text.TextInput;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Several base models in one process, each skeleton on its own base; real models and ONNX Runtime. */
class BaseEnginesTest {

    private static BaseModel base;
    private static BaseModel firstLayers;
    private static BaseEngines engines;

    @BeforeAll
    static void load() {
        base = TestModels.base();
        // a second base as a distilled model would be: the first 3 layers, with a fingerprint of its own
        EncoderWeights w = base.weights();
        firstLayers = new BaseModel("first-3-layers", new EncoderWeights(w.wordEmbeddings(), w.positionEmbeddings(),
                w.tokenTypeEmbeddings(), w.embeddingNorm(), w.layers().subList(0, 3), w.numHeads()),
                base.tokenizerJson());
        engines = new BaseEngines(List.of(base, firstLayers), EngineConfig.defaults().withThreads(2));
    }

    @AfterAll
    static void close() {
        engines.close();
    }

    @Test
    void shouldRunEachSkeletonOnTheBaseItWasBuiltOn() {
        assertThat(firstLayers.fingerprint()).isNotEqualTo(base.fingerprint());
        assertThat(engines.bases()).containsExactly(base, firstLayers);
        assertThat(engines.base(firstLayers.fingerprint())).contains(firstLayers);

        for (BaseModel b : List.of(base, firstLayers)) {
            TaskSkeleton skeleton = SyntheticSkeletons.random(b, "on-base-" + b.weights().layers().size(), 4, 0.3,
                    1.0, 5);
            try (TaskModel model = engines.load(skeleton)) {
                assertThat(model.classify(List.of(TextInput.of("fine"), TextInput.of("not fine")))).hasSize(2);
            }
        }
    }

    @Test
    void shouldRefuseASkeletonOfABaseNotLoadedNamingTheLoadedOnes() {
        TaskSkeleton foreign = TaskSkeleton.newBuilder(SyntheticSkeletons.random(base, "foreign", 4, 0.3, 1.0, 5))
                .setBaseModel(new BaseModelRef("sha256:0000", "e5-small-v2")).build();

        assertThatThrownBy(() -> engines.load(foreign))
                .isInstanceOf(InvalidSkeletonException.class)
                .hasMessageContaining("built on base model 'e5-small-v2' (sha256:0000), which is not loaded here")
                .hasMessageContaining(base.name() + " (" + base.fingerprint() + ")")
                .hasMessageContaining("first-3-layers (" + firstLayers.fingerprint() + ")");
    }

    @Test
    void shouldRefuseTheSameBaseTwice() {
        assertThatThrownBy(() -> new BaseEngines(List.of(base, base), EngineConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("have the same weights");
    }
}
