package dev.skeleton.streams.testkit;

import dev.skeleton.avro.BaseModelRef;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.runtime.EngineConfig;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;

/** The real base model and engine, loaded once per test JVM (the model takes a second or two). */
public final class TestEngine {

    private static BaseModel base;
    private static SkeletonEngine engine;

    private TestEngine() {}

    public static synchronized BaseModel base() {
        if (base == null) {
            base = BaseModel.loadDefault();
        }
        return base;
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
