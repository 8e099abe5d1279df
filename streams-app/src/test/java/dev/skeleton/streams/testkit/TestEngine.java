package dev.skeleton.streams.testkit;

import dev.skeleton.avro.BaseModelRef;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.model.EncoderWeights;
import dev.skeleton.engine.runtime.BaseEngines;
import dev.skeleton.engine.runtime.EngineConfig;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import java.util.List;

/** The real base model and engine, loaded once per test JVM (the model takes a second or two). */
public final class TestEngine {

    private static BaseModel base;
    private static SkeletonEngine engine;
    private static BaseEngines engines;
    private static BaseModel firstLayers;

    private TestEngine() {}

    public static synchronized BaseModel base() {
        if (base == null) {
            base = BaseModel.loadDefault();
        }
        return base;
    }

    /** The engines of a service on the base alone, as {@code /tasks} sees them; never closed. */
    public static synchronized BaseEngines engines() {
        if (engines == null) {
            engines = new BaseEngines(List.of(base()), EngineConfig.defaults().withThreads(2));
        }
        return engines;
    }

    /**
     * A second, smaller base model: the base's first 3 layers, with its own fingerprint (as a distilled model
     * would be), for a service on several bases.
     */
    public static synchronized BaseModel firstLayersBase() {
        if (firstLayers == null) {
            EncoderWeights w = base().weights();
            firstLayers = new BaseModel("all-MiniLM-L6-v2-first-3-layers", new EncoderWeights(w.wordEmbeddings(),
                    w.positionEmbeddings(), w.tokenTypeEmbeddings(), w.embeddingNorm(), w.layers().subList(0, 3),
                    w.numHeads()), base().tokenizerJson());
        }
        return firstLayers;
    }

    /** Never closed: it lives as long as the test JVM. */
    public static synchronized SkeletonEngine engine() {
        if (engine == null) {
            engine = new SkeletonEngine(base(), EngineConfig.defaults().withThreads(2));
        }
        return engine;
    }

    /** A small random single-text skeleton (4 prompt rows, 30% of FFN neurons): quick to build. */
    public static TaskSkeleton skeleton(String task, long version) {
        TaskSkeleton s = SyntheticSkeletons.random(base(), task, 4, 0.3, 1.0, 31 * version + task.hashCode());
        return TaskSkeleton.newBuilder(s).setVersion(version).build();
    }

    /** A skeleton the validator refuses: it claims another base model. */
    public static TaskSkeleton foreignSkeleton(String task, long version) {
        return TaskSkeleton.newBuilder(skeleton(task, version))
                .setBaseModel(new BaseModelRef("sha256:0000", "some-other-model")).build();
    }
}
