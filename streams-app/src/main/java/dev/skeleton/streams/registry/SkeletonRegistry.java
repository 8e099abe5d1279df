package dev.skeleton.streams.registry;

import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.runtime.LoadTimings;
import dev.skeleton.engine.runtime.TaskModel;
import dev.skeleton.engine.skeleton.InvalidSkeletonException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task skeletons this instance serves, by task id. Updates come from the registry topic; readers are the
 * stream threads.
 *
 * <p>A new version is validated, built and warmed completely ({@link Loader}, i.e. {@code SkeletonEngine.load})
 * before it replaces the old one in one atomic step; only then is the old one released (closed when its last
 * {@link TaskLease} ends). A version that cannot load is refused, logged, counted and remembered, and the old
 * version keeps serving. A version older than or equal to the loaded one is ignored, so a replayed or reordered
 * registry never downgrades a task. A tombstone retires the task.
 */
public final class SkeletonRegistry implements AutoCloseable {

    /** Builds a runnable model from a skeleton, or throws (usually {@link InvalidSkeletonException}). */
    @FunctionalInterface
    public interface Loader {
        TaskModel load(TaskSkeleton skeleton);
    }

    /** What {@link #apply} did. */
    public enum Change {
        /** First version of a task is now serving. */
        LOADED,
        /** A newer version replaced the serving one. */
        REPLACED,
        /** The task was retired by a tombstone. */
        RETIRED,
        /** The version is not newer than the serving one; nothing changed. */
        IGNORED_STALE,
        /** A tombstone for a task that is not loaded; nothing changed. */
        IGNORED_NOT_LOADED,
        /** The version cannot run; the previous version (if any) keeps serving. */
        REFUSED
    }

    private static final Logger log = LoggerFactory.getLogger(SkeletonRegistry.class);

    private final Loader loader;
    private final ConcurrentMap<String, LoadedTask> serving = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, RefusedSkeleton> refused = new ConcurrentHashMap<>();
    private final List<Consumer<TaskModel>> loadListeners = new CopyOnWriteArrayList<>();
    private final List<SwapPhase.Listener> swapListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong swaps = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong retirements = new AtomicLong();

    public SkeletonRegistry(Loader loader) {
        this.loader = loader;
    }

    /** Called with every newly serving model, right after it is swapped in (e.g. to create its output topic). */
    public void onLoaded(Consumer<TaskModel> listener) {
        loadListeners.add(listener);
    }

    /** Called with every phase of every swap ({@link SwapPhase}), e.g. for metrics. */
    public void onSwapPhase(SwapPhase.Listener listener) {
        swapListeners.add(listener);
    }

    /** Tells the swap listeners one phase of a swap. */
    void swapPhase(String taskId, long version, SwapPhase phase, Duration took) {
        for (SwapPhase.Listener listener : swapListeners) {
            listener.phase(taskId, version, phase, took);
        }
    }

    /** {@link #apply(String, TaskSkeleton, long)} of a version whose publish time is unknown. */
    public Change apply(String taskId, TaskSkeleton skeleton) {
        return apply(taskId, skeleton, -1);
    }

    /**
     * Applies one registry record: {@code skeleton} becomes the task's version, or null retires the task. Updates
     * are serialized; loading runs on the caller's thread while the old version keeps serving.
     *
     * @param publishedAtMillis when the record was published (its timestamp), for {@link SwapPhase#TOTAL}; -1 if
     *                          unknown
     */
    public synchronized Change apply(String taskId, TaskSkeleton skeleton, long publishedAtMillis) {
        if (skeleton == null) {
            return retire(taskId);
        }
        long version = skeleton.getVersion();
        if (!taskId.equals(skeleton.getTaskId())) {
            refuse(taskId, version, "the record key '" + taskId + "' is not the skeleton's taskId '"
                    + skeleton.getTaskId() + "'");
            return Change.REFUSED;
        }
        LoadedTask current = serving.get(taskId);
        if (current != null && version <= current.model().version()) {
            log.info("task {}: ignoring v{}, v{} is already serving", taskId, version, current.model().version());
            return Change.IGNORED_STALE;
        }
        TaskModel model;
        try {
            model = loader.load(skeleton);
        } catch (InvalidSkeletonException e) {
            refuse(taskId, version, String.join("; ", e.problems()));
            return Change.REFUSED;
        } catch (RuntimeException e) {
            refuse(taskId, version, "cannot load: " + e.getMessage());
            return Change.REFUSED;
        } catch (StackOverflowError | OutOfMemoryError e) {
            // a hostile or absurd version (a huge value, a deep structure) must cost that version, not the service;
            // what it allocated is garbage once this frame is gone
            refuse(taskId, version, "cannot load: " + e);
            return Change.REFUSED;
        }
        LoadTimings timings = model.loadTimings();
        swapPhase(taskId, version, SwapPhase.VALIDATE, timings.validate());
        swapPhase(taskId, version, SwapPhase.GRAPH, timings.graph());
        swapPhase(taskId, version, SwapPhase.SESSION, timings.session());
        swapPhase(taskId, version, SwapPhase.WARM_UP, timings.warmUp());
        // the new version is complete and warm: swap, then let the old one go
        LoadedTask previous = serving.put(taskId, new LoadedTask(model, publishedAtMillis, this::swapPhase));
        refused.computeIfPresent(taskId, (id, r) -> r.version() <= version ? null : r);
        swaps.incrementAndGet();
        if (previous == null) {
            log.info("task {}: v{} loaded", taskId, version);
        } else {
            log.info("task {}: v{} replaced v{}", taskId, version, previous.model().version());
            previous.release();
        }
        for (Consumer<TaskModel> listener : loadListeners) {
            try {
                listener.accept(model);
            } catch (RuntimeException e) {
                // the model serves either way; a listener's failure must not stop registry updates
                log.warn("task {}: v{} loaded, but a load listener failed: {}", taskId, version, e.toString());
            }
        }
        return previous == null ? Change.LOADED : Change.REPLACED;
    }

    /**
     * Records a registry record refused before its value was decoded (corrupt, or not signed with the key);
     * nothing changes for the task.
     */
    public synchronized void refuseRecord(String taskId, String reason) {
        refuse(taskId, -1, reason);
    }

    private Change retire(String taskId) {
        LoadedTask previous = serving.remove(taskId);
        if (previous == null) {
            log.info("task {}: tombstone for a task that is not loaded", taskId);
            return Change.IGNORED_NOT_LOADED;
        }
        log.info("task {}: v{} retired", taskId, previous.model().version());
        retirements.incrementAndGet();
        previous.release();
        return Change.RETIRED;
    }

    private void refuse(String taskId, long version, String reason) {
        refusals.incrementAndGet();
        refused.put(taskId, new RefusedSkeleton(taskId, version, reason, System.currentTimeMillis()));
        LoadedTask current = serving.get(taskId);
        log.warn("task {}: refused {}: {}; {}", taskId, version < 0 ? "a record" : "v" + version, reason,
                current == null ? "the task is not served" : "v" + current.model().version() + " keeps serving");
    }

    /** A lease on the task's serving model, or empty if none is loaded. Close the lease when done. */
    public Optional<TaskLease> acquire(String taskId) {
        while (true) {
            LoadedTask task = serving.get(taskId);
            if (task == null) {
                return Optional.empty();
            }
            if (task.tryAcquire()) {
                return Optional.of(new TaskLease(task));
            }
            // swapped out and closed between the lookup and the acquire: look up the new one
        }
    }

    /** Whether a skeleton of {@code taskId} serves now. */
    public boolean isServing(String taskId) {
        return serving.containsKey(taskId);
    }

    /** Serving version by task id, sorted by task. */
    public Map<String, Long> versions() {
        Map<String, Long> versions = new TreeMap<>();
        serving.forEach((id, task) -> versions.put(id, task.model().version()));
        return versions;
    }

    /**
     * What serves now, by task, sorted: each task's skeleton and when it was swapped in. Reads the skeletons'
     * metadata only, never the models, so a version swapped out meanwhile is still safe to describe.
     */
    public Map<String, ServingSkeleton> serving() {
        Map<String, ServingSkeleton> out = new TreeMap<>();
        serving.forEach((id, task) -> out.put(id, new ServingSkeleton(task.model().skeleton(), task.loadedAtMillis())));
        return out;
    }

    /** A serving skeleton and when it was swapped in (epoch milliseconds). */
    public record ServingSkeleton(TaskSkeleton skeleton, long loadedAtMillis) {}

    /** The latest refusal per task, if no newer version has loaded since; sorted by task. */
    public Map<String, RefusedSkeleton> refused() {
        return new TreeMap<>(refused);
    }

    /** The task's latest refusal, if no newer version has loaded since. */
    public Optional<RefusedSkeleton> refusal(String taskId) {
        return Optional.ofNullable(refused.get(taskId));
    }

    /** Versions refused since start (corrupt values included). */
    public long refusalCount() {
        return refusals.get();
    }

    /** Versions loaded since start (first loads and replacements). */
    public long swapCount() {
        return swaps.get();
    }

    /** Tasks retired by a tombstone since start. */
    public long retirementCount() {
        return retirements.get();
    }

    /** Releases every serving model; each closes when its last lease ends. */
    @Override
    public synchronized void close() {
        for (String taskId : List.copyOf(serving.keySet())) {
            LoadedTask task = serving.remove(taskId);
            if (task != null) {
                task.release();
            }
        }
    }
}
