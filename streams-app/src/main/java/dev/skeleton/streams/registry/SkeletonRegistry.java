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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task skeletons this instance serves, by task id. Updates come from the registry topic and are built on the
 * registry's load threads ({@link #submit}), one task's in publish order; readers are the inference workers.
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
    /** Where {@link #submit} runs updates; null: on the caller's thread. */
    private final LoadQueue queue;
    private volatile boolean closed;
    private final ConcurrentMap<String, LoadedTask> serving = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, RefusedSkeleton> refused = new ConcurrentHashMap<>();
    private final List<Consumer<TaskModel>> loadListeners = new CopyOnWriteArrayList<>();
    private final List<SwapPhase.Listener> swapListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong swaps = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong retirements = new AtomicLong();

    /** A registry whose {@link #submit} applies each update on the caller's thread. */
    public SkeletonRegistry(Loader loader) {
        this.loader = loader;
        this.queue = null;
    }

    /**
     * A registry whose {@link #submit} applies updates on {@code loadThreads} threads of its own: one task's in
     * order, different tasks' in parallel.
     */
    public SkeletonRegistry(Loader loader, int loadThreads) {
        if (loadThreads < 1) {
            throw new IllegalArgumentException("loadThreads must be at least 1, was " + loadThreads);
        }
        this.loader = loader;
        this.queue = new LoadQueue(loadThreads);
    }

    /**
     * Runs {@code warmUp} once on each thread that builds models (the caller's, when updates run there), before any
     * update arrives. The first ONNX Runtime session a thread creates is slow whatever other threads did before (after
     * the engine's warm-up on another thread, a skeleton's first load on a fresh thread took 146-219 ms of session
     * creation against 17-51 ms for later ones), so the warm-up must run where the hot swaps will.
     */
    public void warmUpLoadThreads(Runnable warmUp) {
        if (queue == null) {
            warmUp.run();
        } else {
            queue.runOnEveryThread(warmUp);
        }
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
     * {@link #apply(String, TaskSkeleton, long)} off the caller's thread when the registry has load threads: after
     * every update of the task submitted before, in parallel with other tasks' updates, with the time it waited
     * reported as {@link SwapPhase#QUEUE}. Without load threads, applies it now. The future gives what the update
     * did, or null if the registry closed before it ran.
     */
    public CompletableFuture<Change> submit(String taskId, TaskSkeleton skeleton, long publishedAtMillis) {
        if (queue == null) {
            return CompletableFuture.completedFuture(apply(taskId, skeleton, publishedAtMillis));
        }
        long submitted = System.nanoTime();
        return queue.submit(taskId, () -> apply(taskId, skeleton, publishedAtMillis, System.nanoTime() - submitted));
    }

    /**
     * Applies one registry record now, on the caller's thread: {@code skeleton} becomes the task's version, or null
     * retires the task. The new version is built while the old one keeps serving; the swap itself is atomic, and a
     * version that is not newer than the serving one when it is built is ignored (and closed).
     *
     * @param publishedAtMillis when the record was published (its timestamp), for {@link SwapPhase#TOTAL}; -1 if
     *                          unknown
     */
    public Change apply(String taskId, TaskSkeleton skeleton, long publishedAtMillis) {
        return apply(taskId, skeleton, publishedAtMillis, -1);
    }

    private Change apply(String taskId, TaskSkeleton skeleton, long publishedAtMillis, long queuedNanos) {
        if (skeleton == null) {
            return retire(taskId);
        }
        long version = skeleton.getVersion();
        if (!taskId.equals(skeleton.getTaskId())) {
            refuse(taskId, version, "the record key '" + taskId + "' is not the skeleton's taskId '"
                    + skeleton.getTaskId() + "'");
            return Change.REFUSED;
        }
        if (isStale(taskId, version)) {
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
        Change change = swapIn(taskId, model, publishedAtMillis);
        if (change == Change.IGNORED_STALE) {
            return change;
        }
        if (queuedNanos >= 0) {
            swapPhase(taskId, version, SwapPhase.QUEUE, Duration.ofNanos(queuedNanos));
        }
        LoadTimings timings = model.loadTimings();
        swapPhase(taskId, version, SwapPhase.VALIDATE, timings.validate());
        swapPhase(taskId, version, SwapPhase.GRAPH, timings.graph());
        swapPhase(taskId, version, SwapPhase.SESSION, timings.session());
        swapPhase(taskId, version, SwapPhase.WARM_UP, timings.warmUp());
        for (Consumer<TaskModel> listener : loadListeners) {
            try {
                listener.accept(model);
            } catch (RuntimeException e) {
                // the model serves either way; a listener's failure must not stop registry updates
                log.warn("task {}: v{} loaded, but a load listener failed: {}", taskId, version, e.toString());
            }
        }
        return change;
    }

    private boolean isStale(String taskId, long version) {
        LoadedTask current = serving.get(taskId);
        if (current != null && version <= current.model().version()) {
            log.info("task {}: ignoring v{}, v{} is already serving", taskId, version, current.model().version());
            return true;
        }
        return false;
    }

    /** Puts a complete, warm model in service, then lets the old version go; closes it instead if it came too late. */
    private synchronized Change swapIn(String taskId, TaskModel model, long publishedAtMillis) {
        long version = model.version();
        if (closed || isStale(taskId, version)) {
            model.close();
            return Change.IGNORED_STALE;
        }
        LoadedTask previous = serving.put(taskId, new LoadedTask(model, publishedAtMillis, this::swapPhase));
        refused.computeIfPresent(taskId, (id, r) -> r.version() <= version ? null : r);
        swaps.incrementAndGet();
        if (previous == null) {
            log.info("task {}: v{} loaded", taskId, version);
            return Change.LOADED;
        }
        log.info("task {}: v{} replaced v{}", taskId, version, previous.model().version());
        previous.release();
        return Change.REPLACED;
    }

    /**
     * Records a registry record refused before its value was decoded (corrupt, or not signed with the key);
     * nothing changes for the task.
     */
    public synchronized void refuseRecord(String taskId, String reason) {
        refuse(taskId, -1, reason);
    }

    private synchronized Change retire(String taskId) {
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

    private synchronized void refuse(String taskId, long version, String reason) {
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

    /**
     * As {@link #acquire(String)}; when no version of the task serves but an update of it is still queued or being
     * built (its first version right after a publish, or after a restart), waits up to {@code wait} for it first.
     */
    public Optional<TaskLease> acquire(String taskId, Duration wait) {
        Optional<TaskLease> lease = acquire(taskId);
        if (lease.isPresent() || queue == null || !queue.pending(taskId)) {
            return lease;
        }
        queue.awaitApplied(taskId, wait);
        return acquire(taskId);
    }

    /**
     * Waits until every update submitted so far has been applied (built and swapped in, refused or ignored); false if
     * one is still pending after {@code timeout}.
     */
    public boolean awaitSubmitted(Duration timeout) {
        return queue == null || queue.awaitAllApplied(timeout);
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

    /**
     * Stops building (waiting for a build that runs) and releases every serving model; each closes when its last
     * lease ends.
     */
    @Override
    public void close() {
        closed = true;
        if (queue != null) {
            queue.close();
        }
        releaseAll();
    }

    private synchronized void releaseAll() {
        for (String taskId : List.copyOf(serving.keySet())) {
            LoadedTask task = serving.remove(taskId);
            if (task != null) {
                task.release();
            }
        }
    }
}
