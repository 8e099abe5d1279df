package dev.skeleton.streams;

import dev.skeleton.streams.classify.DeadLetterKind;
import dev.skeleton.streams.registry.SkeletonRegistry;
import dev.skeleton.streams.registry.SwapPhase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The service's metrics, named once (Prometheus names in brackets):
 * <ul>
 *   <li>{@value #REQUESTS} {task, outcome=labeled|dead_letter} ({@code skeleton_requests_total}): throughput;</li>
 *   <li>{@value #DEAD_LETTERS} {kind} ({@code skeleton_dead_letters_total});</li>
 *   <li>{@value #LABELS} {task, label} ({@code skeleton_labels_total}): requests labeled, by the label given (the
 *       label set is the skeleton's, so bounded);</li>
 *   <li>{@value #ARRIVAL_TIME}: per request, from its record's timestamp (its send) to the processor: produce,
 *       broker, fetch and poll;</li>
 *   <li>{@value #QUEUE_TIME} {task}: per request, arrival to the start of its batch;</li>
 *   <li>{@value #ORDER_WAIT} {task}: per labeled request, from its label being known to its result being
 *       forwarded: waiting for earlier requests' results (order is kept) and for the stream thread;</li>
 *   <li>{@value #LATENCY} {task}: per labeled request, end to end: from the input record's timestamp to the moment
 *       its result is forwarded; with p50 and p99 over the last minute ({@link #LATENCY_WINDOW});</li>
 *   <li>{@value #INFERENCE_TIME} {task}: per batch, the model call;</li>
 *   <li>{@value #BATCH_SIZE} {task}: requests per batch;</li>
 *   <li>{@value #SWAPS}, {@value #REFUSALS}, {@value #RETIREMENTS}: registry events; {@value #SERVING}: tasks
 *       serving now;</li>
 *   <li>{@value #SWAP_TIME} {phase} ({@code skeleton_swap_seconds}): per swapped-in version, each {@link SwapPhase}
 *       from its publish to its first labeled batch, with the largest of the last minute as {@code _max}.</li>
 * </ul>
 * Dead letters are not tagged by task: the task of a dead letter may be any string a producer wrote, and a tag
 * per such string would let producers create metric series without bound. For the same reason batches of a task
 * that does not serve (they end as dead letters) are tagged {@value #OTHER_TASKS}, once a registry is
 * {@linkplain #watch watched}.
 */
public final class ServiceMetrics {

    public static final String REQUESTS = "skeleton.requests";
    public static final String DEAD_LETTERS = "skeleton.dead.letters";
    public static final String LABELS = "skeleton.labels";
    public static final String QUEUE_TIME = "skeleton.queue.time";
    public static final String LATENCY = "skeleton.latency";
    public static final String ARRIVAL_TIME = "skeleton.arrival.time";
    public static final String ORDER_WAIT = "skeleton.order.wait";
    public static final String INFERENCE_TIME = "skeleton.inference.time";
    public static final String BATCH_SIZE = "skeleton.batch.size";
    public static final String SWAPS = "skeleton.registry.swaps";
    public static final String REFUSALS = "skeleton.registry.refusals";
    public static final String RETIREMENTS = "skeleton.registry.retirements";
    public static final String SERVING = "skeleton.tasks.serving";
    public static final String SWAP_TIME = "skeleton.swap";
    /** The task tag of batches of tasks that do not serve; never a task id, which starts with a letter or digit. */
    public static final String OTHER_TASKS = "_other";

    /**
     * How long a latency sample counts towards the percentiles: samples go into 3 buffers rotated every third of
     * this, so p50 and p99 cover the last 40 to 60 s.
     */
    static final Duration LATENCY_WINDOW = Duration.ofMinutes(1);

    private final MeterRegistry registry;
    /** Untagged and recorded for every request: registered once, not looked up per record. */
    private final Timer arrivalTime;
    private volatile Predicate<String> serving = task -> true;

    public ServiceMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.arrivalTime = Timer.builder(ARRIVAL_TIME)
                .description("from the input record's timestamp to the request processor").register(registry);
    }

    /** Metrics kept in memory only (tests, tools). */
    public static ServiceMetrics inMemory() {
        return new ServiceMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Registry events and the serving-task count, read from {@code skeletons} whenever metrics are scraped. */
    public void watch(SkeletonRegistry skeletons) {
        serving = skeletons::isServing;
        FunctionCounter.builder(SWAPS, skeletons, SkeletonRegistry::swapCount)
                .description("skeleton versions swapped in (first loads and replacements)").register(registry);
        FunctionCounter.builder(REFUSALS, skeletons, SkeletonRegistry::refusalCount)
                .description("skeleton versions refused (invalid, wrong base model, undecodable, unsigned)")
                .register(registry);
        FunctionCounter.builder(RETIREMENTS, skeletons, SkeletonRegistry::retirementCount)
                .description("tasks retired by a tombstone").register(registry);
        Gauge.builder(SERVING, skeletons, s -> s.versions().size())
                .description("tasks with a serving skeleton").register(registry);
        // no task tag: the phases are what differs, and a series per task and phase would grow with the tasks
        skeletons.onSwapPhase((task, version, phase, took) -> Timer.builder(SWAP_TIME).tag("phase", phase.tag())
                .description("hot swap, per phase, from the publish of a version to its first labeled batch")
                .register(registry).record(took));
    }

    /**
     * One request labeled {@code label} by {@code task}, after waiting {@code queueMs} for its batch to start and
     * {@code latencyMs} after its input record's timestamp. A negative latency (a producer's clock ahead of ours)
     * counts as 0.
     */
    void labeled(String task, String label, double queueMs, double latencyMs) {
        Counter.builder(REQUESTS).tags("task", task, "outcome", "labeled")
                .description("requests answered, by task and outcome").register(registry).increment();
        Counter.builder(LABELS).tags("task", task, "label", label)
                .description("requests labeled, by task and label").register(registry).increment();
        Timer.builder(QUEUE_TIME).tag("task", task)
                .description("from arrival to the start of the request's batch").register(registry)
                .record(Duration.ofNanos((long) (queueMs * 1e6)));
        Timer.builder(LATENCY).tag("task", task)
                .description("end to end, from the input record's timestamp to its result being forwarded")
                .publishPercentiles(0.5, 0.99).percentilePrecision(2)
                .distributionStatisticExpiry(LATENCY_WINDOW).distributionStatisticBufferLength(3)
                .register(registry)
                .record(Duration.ofNanos((long) (Math.max(0, latencyMs) * 1e6)));
    }

    /**
     * One request reached the processor {@code ms} after its record's timestamp (no task tag: the task is not known
     * yet, and may be any string). A negative time (a producer's clock ahead of ours) counts as 0.
     */
    void arrived(double ms) {
        arrivalTime.record(Duration.ofNanos((long) (Math.max(0, ms) * 1e6)));
    }

    /** One labeled request of {@code task} was forwarded {@code ms} after its label was known. */
    void orderWait(String task, double ms) {
        Timer.builder(ORDER_WAIT).tag("task", task)
                .description("from a request's label being known to its result being forwarded, in input order")
                .register(registry).record(Duration.ofNanos((long) (ms * 1e6)));
    }

    /** One request sent to the dead-letter topic. */
    void deadLetter(DeadLetterKind kind) {
        Counter.builder(DEAD_LETTERS).tag("kind", kind.name())
                .description("requests sent to the dead-letter topic, by reason").register(registry).increment();
    }

    /** One batch of {@code size} requests of {@code task} that took {@code nanos} in the model. */
    void batch(String task, int size, long nanos) {
        String tag = serving.test(task) ? task : OTHER_TASKS;
        DistributionSummary.builder(BATCH_SIZE).tag("task", tag).description("requests per inference batch")
                .register(registry).record(size);
        Timer.builder(INFERENCE_TIME).tag("task", tag).description("model time per inference batch")
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }
}
