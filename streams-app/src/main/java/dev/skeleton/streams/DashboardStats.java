package dev.skeleton.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skeleton.streams.classify.DeadLetterKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The {@code /stats} document behind the dashboard page: what serves ({@link TasksView}) and what it did, read
 * from the {@link ServiceMetrics} meters at each call. Shape (every count since start):
 * <pre>{@code
 * {
 *   "generatedAt": "2025-11-29T08:40:00.123Z",
 *   "windowSeconds": 9.98,           // the span the rates are over; 0 on the first call
 *   "totals": {"tasks": 1, "labeled": 13, "deadLetters": 2,
 *              "requestsPerSecond": 1.5, "labeledPerSecond": 1.3, "deadLettersPerSecond": 0.2},
 *   "tasks": [{
 *     "task": "sst2", "serving": true, "version": 2, "input": "SINGLE",
 *     "ffnKeepRatio": 0.3, "headKeepRatio": 1.0, "loadedAt": "2025-11-29T08:39:01.000Z",
 *     "labeled": 13, "perSecond": 1.3,
 *     "latencyMs": {"p50": 12.5, "p99": 40.1, "max": 41.0},
 *     "labels": [{"label": "negative", "count": 6}, {"label": "positive", "count": 7}]
 *   }],
 *   "deadLetters": {"UNPARSEABLE": 0, "NO_TASK": 0, "UNKNOWN_TASK": 0, "EMPTY_TEXT": 2, "TEXT_TOO_LONG": 0,
 *                   "WRONG_INPUT_SHAPE": 0, "INFERENCE_FAILED": 0, "INFERENCE_TIMEOUT": 0, "OVERSIZED_FIELD": 0,
 *                   "OUTPUT_REJECTED": 0},
 *   "refused": [{"task": "mrpc", "version": 4, "reason": "...", "refusedAt": "2025-11-29T08:39:02.000Z"}],
 *   "registry": {"swaps": 2, "refusals": 1, "retirements": 0}
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@code tasks}: the serving tasks, then tasks that labeled requests but serve no more ({@code serving}
 *       false, {@code version}, {@code input}, keep ratios and {@code loadedAt} null); sorted by task.</li>
 *   <li>Rates are per second over the last {@link #WINDOW} or so: each call samples the counters, and the rate is
 *       the change since the oldest sample kept, which is at most one sample older than the window (so when calls
 *       are further apart than the window, the rate is over the time since the previous call).</li>
 *   <li>{@code latencyMs} is end to end ({@value ServiceMetrics#LATENCY}): p50 and p99 over the last minute
 *       ({@link ServiceMetrics#LATENCY_WINDOW}), {@code max} likewise; null before the task's first labeled
 *       request.</li>
 *   <li>{@code labels}: the skeleton's labels in its order (0 when not given yet), then labels only older
 *       versions gave.</li>
 *   <li>{@code deadLetters}: every {@link DeadLetterKind}, 0 when none.</li>
 *   <li>{@code refused}, {@code registry}: as in {@code /tasks}.</li>
 * </ul>
 *
 * Calls are serialized; each is a few map look-ups per task, cheap enough for the event loop.
 */
final class DashboardStats {

    /** The span throughput is computed over. */
    static final Duration WINDOW = Duration.ofSeconds(10);
    /** Calls closer together than this to the last kept sample are answered but not kept (bounds the samples). */
    private static final long MIN_SAMPLE_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MeterRegistry meters;
    private final TasksView tasks;
    private final LongSupplier nanoClock;
    private final List<Sample> samples = new ArrayList<>();

    /** Counters at one moment. */
    private record Sample(long nanos, Map<String, Double> labeledByTask, double deadLetters) {
        double labeled() {
            return labeledByTask.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    DashboardStats(MeterRegistry meters, TasksView tasks) {
        this(meters, tasks, System::nanoTime);
    }

    /** With {@code nanoClock} as the clock for rates (tests). */
    DashboardStats(MeterRegistry meters, TasksView tasks, LongSupplier nanoClock) {
        this.meters = meters;
        this.tasks = tasks;
        this.nanoClock = nanoClock;
    }

    synchronized ObjectNode json() {
        Sample now = sample();
        Sample base = baseFor(now);
        double seconds = base == null ? 0 : (now.nanos - base.nanos) / 1e9;

        ObjectNode root = JSON.createObjectNode();
        root.put("generatedAt", Instant.now().toString());
        root.put("windowSeconds", round(seconds));

        ObjectNode view = tasks.json();
        Map<String, Map<String, Double>> labels = labelsByTask();
        Map<String, JsonNode> serving = new TreeMap<>();
        view.get("serving").forEach(t -> serving.put(t.get("task").asText(), t));
        Map<String, JsonNode> all = new TreeMap<>(serving);
        now.labeledByTask.keySet().forEach(task -> all.putIfAbsent(task, null));

        ArrayNode taskArray = JSON.createArrayNode();
        for (Map.Entry<String, JsonNode> e : all.entrySet()) {
            String task = e.getKey();
            JsonNode skeleton = e.getValue();
            ObjectNode t = taskArray.addObject();
            t.put("task", task);
            t.put("serving", skeleton != null);
            for (String field : List.of("version", "input", "baseModel", "ffnKeepRatio", "headKeepRatio", "loadedAt")) {
                t.set(field, skeleton == null ? null : skeleton.get(field));
            }
            double labeled = now.labeledByTask.getOrDefault(task, 0.0);
            t.put("labeled", (long) labeled);
            t.put("perSecond", rate(labeled - (base == null ? 0 : base.labeledByTask.getOrDefault(task, 0.0)),
                    seconds));
            t.set("latencyMs", latency(task));
            t.set("labels", labels(skeleton, labels.getOrDefault(task, Map.of())));
        }

        ObjectNode totals = root.putObject("totals");
        totals.put("tasks", serving.size());
        totals.put("labeled", (long) now.labeled());
        totals.put("deadLetters", (long) now.deadLetters);
        double labeledDelta = base == null ? 0 : now.labeled() - base.labeled();
        double deadDelta = base == null ? 0 : now.deadLetters - base.deadLetters;
        totals.put("requestsPerSecond", rate(labeledDelta + deadDelta, seconds));
        totals.put("labeledPerSecond", rate(labeledDelta, seconds));
        totals.put("deadLettersPerSecond", rate(deadDelta, seconds));

        root.set("tasks", taskArray);
        ObjectNode dead = root.putObject("deadLetters");
        deadLettersByKind().forEach((kind, count) -> dead.put(kind, count.longValue()));
        root.set("refused", view.get("refused"));
        ObjectNode registry = root.putObject("registry");
        for (String field : List.of("swaps", "refusals", "retirements")) {
            registry.set(field, view.get(field));
        }
        return root;
    }

    /** The oldest sample at most one step older than the window, after keeping {@code now} if spaced enough. */
    private Sample baseFor(Sample now) {
        long window = WINDOW.toNanos();
        while (samples.size() >= 2 && now.nanos - samples.get(1).nanos >= window) {
            samples.remove(0);
        }
        Sample base = samples.isEmpty() ? null : samples.get(0);
        if (samples.isEmpty() || now.nanos - samples.get(samples.size() - 1).nanos >= MIN_SAMPLE_SPACING_NANOS) {
            samples.add(now);
        }
        return base;
    }

    private Sample sample() {
        Map<String, Double> labeled = new TreeMap<>();
        for (Counter c : meters.find(ServiceMetrics.REQUESTS).tag("outcome", "labeled").counters()) {
            labeled.merge(c.getId().getTag("task"), c.count(), Double::sum);
        }
        double dead = deadLettersByKind().values().stream().mapToDouble(Double::doubleValue).sum();
        return new Sample(nanoClock.getAsLong(), labeled, dead);
    }

    private Map<String, Double> deadLettersByKind() {
        Map<String, Double> byKind = new LinkedHashMap<>();
        for (DeadLetterKind kind : DeadLetterKind.values()) {
            byKind.put(kind.name(), 0.0);
        }
        for (Counter c : meters.find(ServiceMetrics.DEAD_LETTERS).counters()) {
            byKind.merge(c.getId().getTag("kind"), c.count(), Double::sum);
        }
        return byKind;
    }

    private Map<String, Map<String, Double>> labelsByTask() {
        Map<String, Map<String, Double>> byTask = new TreeMap<>();
        for (Counter c : meters.find(ServiceMetrics.LABELS).counters()) {
            byTask.computeIfAbsent(c.getId().getTag("task"), t -> new TreeMap<>())
                    .merge(c.getId().getTag("label"), c.count(), Double::sum);
        }
        return byTask;
    }

    private static ArrayNode labels(JsonNode skeleton, Map<String, Double> counts) {
        Map<String, Double> ordered = new LinkedHashMap<>();
        if (skeleton != null && skeleton.has("labels")) {
            skeleton.get("labels").forEach(l -> ordered.put(l.asText(), 0.0));
        }
        counts.forEach((label, count) -> ordered.merge(label, count, Double::sum));
        ArrayNode out = JSON.createArrayNode();
        ordered.forEach((label, count) -> out.addObject().put("label", label).put("count", count.longValue()));
        return out;
    }

    private JsonNode latency(String task) {
        Timer timer = meters.find(ServiceMetrics.LATENCY).tag("task", task).timer();
        if (timer == null || timer.count() == 0) {
            return JSON.nullNode();
        }
        ObjectNode out = JSON.createObjectNode();
        for (ValueAtPercentile p : timer.takeSnapshot().percentileValues()) {
            if (p.percentile() == 0.5) {
                out.put("p50", round(p.value(TimeUnit.MILLISECONDS)));
            } else if (p.percentile() == 0.99) {
                out.put("p99", round(p.value(TimeUnit.MILLISECONDS)));
            }
        }
        out.put("max", round(timer.max(TimeUnit.MILLISECONDS)));
        return out;
    }

    private static double rate(double delta, double seconds) {
        return seconds <= 0 ? 0.0 : round(delta / seconds);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
