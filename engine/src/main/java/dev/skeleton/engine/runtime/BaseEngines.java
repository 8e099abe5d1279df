package dev.skeleton.engine.runtime;

import dev.skeleton.avro.BaseModelRef;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.skeleton.InvalidSkeletonException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@link SkeletonEngine} per base model, for a process that serves skeletons built on several bases: each base is
 * loaded once, and each skeleton runs on the engine of the base it was built on, found by the fingerprint it records.
 * A skeleton of a base that is not loaded here is refused with that reason, naming the bases that are.
 */
public final class BaseEngines implements AutoCloseable {

    /** Engines by their base's fingerprint, in the order the bases were given. */
    private final Map<String, SkeletonEngine> byFingerprint = new LinkedHashMap<>();

    /** An engine per base; two bases with the same weights (the same fingerprint) are refused. */
    public BaseEngines(List<BaseModel> bases, EngineConfig config) {
        if (bases.isEmpty()) {
            throw new IllegalArgumentException("at least one base model is needed");
        }
        for (BaseModel base : bases) {
            SkeletonEngine known = byFingerprint.get(base.fingerprint());
            if (known != null) {
                close();
                throw new IllegalArgumentException("base models " + known.baseModel().name() + " and " + base.name()
                        + " have the same weights (" + base.fingerprint() + "); name each base once");
            }
            byFingerprint.put(base.fingerprint(), new SkeletonEngine(base, config));
        }
    }

    /** Warms every engine up ({@link SkeletonEngine#warmUp()}). */
    public void warmUp() {
        byFingerprint.values().forEach(SkeletonEngine::warmUp);
    }

    /**
     * Loads {@code skeleton} on the engine of its base ({@link SkeletonEngine#load}); throws {@link
     * InvalidSkeletonException} when that base is not loaded here.
     */
    public TaskModel load(TaskSkeleton skeleton) {
        BaseModelRef ref = skeleton.getBaseModel();
        SkeletonEngine engine = byFingerprint.get(ref.getFingerprint());
        if (engine == null) {
            throw new InvalidSkeletonException(skeleton.getTaskId() + " v" + skeleton.getVersion(), List.of(
                    "built on base model " + (ref.getName().isEmpty() ? "" : "'" + ref.getName() + "' ") + "("
                            + ref.getFingerprint() + "), which is not loaded here; loaded: " + describe()
                            + " (engine.base.models)"));
        }
        return engine.load(skeleton);
    }

    /** The loaded bases, in the order they were given. */
    public List<BaseModel> bases() {
        List<BaseModel> bases = new ArrayList<>();
        byFingerprint.values().forEach(e -> bases.add(e.baseModel()));
        return Collections.unmodifiableList(bases);
    }

    /** The loaded base with this fingerprint. */
    public Optional<BaseModel> base(String fingerprint) {
        return Optional.ofNullable(byFingerprint.get(fingerprint)).map(SkeletonEngine::baseModel);
    }

    private String describe() {
        return String.join(", ", bases().stream().map(b -> b.name() + " (" + b.fingerprint() + ")").toList());
    }

    @Override
    public void close() {
        byFingerprint.values().forEach(SkeletonEngine::close);
    }
}
