package dev.skeleton.cli.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.builder.train.GlueMetric;
import dev.skeleton.cli.Json;
import dev.skeleton.cli.live.ResultCollector.Arrival;
import dev.skeleton.engine.runtime.SpeedStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the demo has seen so far: per task, labels against gold labels (accuracy and the task's GLUE metric),
 * label counts and versions; overall, produced, labeled and dead-lettered counts, latency and throughput. Updated
 * from the result collector's thread and the producing thread, read by the view: every method is synchronized.
 */
final class DemoScoreboard {

    /** The report's figure for the task's metric, e.g. the skeleton's dev accuracy; NaN when unknown. */
    record TaskInfo(String task, List<String> labels, GlueMetric metric, double reported) {}

    private static final class TaskScore {
        final TaskInfo info;
        int sent;
        final List<Integer> predicted = new ArrayList<>();
        final List<Integer> gold = new ArrayList<>();
        final Map<String, Integer> labelCounts = new TreeMap<>();
        final TreeSet<Long> versions = new TreeSet<>();

        TaskScore(TaskInfo info) {
            this.info = info;
        }

        double metric() {
            return predicted.isEmpty() ? Double.NaN : info.metric().compute(toArray(predicted), toArray(gold));
        }

        double accuracy() {
            return predicted.isEmpty() ? Double.NaN : GlueMetric.ACCURACY.compute(toArray(predicted), toArray(gold));
        }
    }

    private final Map<String, TaskScore> tasks = new LinkedHashMap<>();
    private final Map<String, String> goldById = new HashMap<>();
    private final Map<String, Long> sentNanosById = new HashMap<>();
    private final Map<String, Integer> deadLetters = new TreeMap<>();
    private final List<Double> latenciesMs = new ArrayList<>();
    private final long startNanos;
    private int produced;
    private int labeled;
    private long firstLabelNanos = -1;
    private long lastLabelNanos = -1;
    private String swapLine = "";

    DemoScoreboard(List<TaskInfo> infos, long startNanos) {
        infos.forEach(i -> tasks.put(i.task(), new TaskScore(i)));
        this.startNanos = startNanos;
    }

    /** A request sent; {@code gold} and {@code task} are null for the deliberately bad ones. */
    synchronized void sent(String id, String task, String gold, long nanos) {
        produced++;
        sentNanosById.put(id, nanos);
        if (task != null) {
            tasks.get(task).sent++;
            goldById.put(id, gold);
        }
    }

    /** An answer from the output or dead-letter topic. */
    synchronized void answered(Arrival a) {
        Long sent = sentNanosById.get(a.id());
        if (a.result() == null) {
            deadLetters.merge(a.deadLetter(), 1, Integer::sum);
            return;
        }
        ClassificationResult r = a.result();
        labeled++;
        if (firstLabelNanos < 0) {
            firstLabelNanos = a.arrivedNanos();
        }
        lastLabelNanos = a.arrivedNanos();
        if (sent != null) {
            latenciesMs.add((a.arrivedNanos() - sent) / 1e6);
        }
        TaskScore score = tasks.get(r.getTask());
        if (score == null) {
            return;
        }
        score.versions.add(r.getSkeletonVersion());
        score.labelCounts.merge(r.getLabel(), 1, Integer::sum);
        String gold = goldById.get(a.id());
        if (gold != null) {
            score.predicted.add(score.info.labels().indexOf(r.getLabel()));
            score.gold.add(score.info.labels().indexOf(gold));
        }
    }

    synchronized void swapped(String line) {
        swapLine = line;
    }

    synchronized int produced() {
        return produced;
    }

    synchronized int answered() {
        return labeled + deadLetterCount();
    }

    private int deadLetterCount() {
        return deadLetters.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The live view: one screen of text. */
    synchronized String render(long nowNanos) {
        StringBuilder out = new StringBuilder();
        out.append(f("Skeleton demo: %.0f s, produced %d, labeled %d, dead letters %d, in flight %d%n",
                (nowNanos - startNanos) / 1e9, produced, labeled, deadLetterCount(),
                produced - labeled - deadLetterCount()));
        out.append(f("throughput %.1f labels/s   latency p50 %s ms  p99 %s ms   first label after %s s%n%n",
                throughput(), ms(50), ms(99),
                        firstLabelNanos < 0 ? "-" : f("%.1f", (firstLabelNanos - startNanos) / 1e9)));
        out.append(f("%-6s %-9s %6s %8s %8s %10s %9s  %s%n", "task", "version", "sent", "labeled", "metric", "so far",
                "report", "labels"));
        for (TaskScore t : tasks.values()) {
            out.append(f("%-6s %-9s %6d %8d %8s %10s %9s  %s%n", t.info.task(), versions(t), t.sent,
                    t.predicted.size(), t.info.metric().key(), pct(t.metric()), pct(t.info.reported()),
                    t.labelCounts));
        }
        if (!deadLetters.isEmpty()) {
            out.append(f("%ndead letters by kind: %s%n", deadLetters));
        }
        if (!swapLine.isEmpty()) {
            out.append(f("%n%s%n", swapLine));
        }
        return out.toString();
    }

    /** The summary printed by {@code --json}. */
    synchronized ObjectNode summary(long duplicates, String swapTask, long fromVersion, long toVersion,
            double swapMs) {
        ObjectNode o = Json.object();
        o.put("produced", produced);
        o.put("labeled", labeled);
        o.put("dlq", deadLetterCount());
        o.put("lost", produced - labeled - deadLetterCount());
        o.put("duplicates", duplicates);
        ObjectNode accuracy = o.putObject("accuracy");
        tasks.values().forEach(t -> put(accuracy, t.info.task(), round(t.accuracy())));
        ObjectNode perTask = o.putObject("tasks");
        for (TaskScore t : tasks.values()) {
            ObjectNode n = perTask.putObject(t.info.task());
            n.put("sent", t.sent);
            n.put("labeled", t.predicted.size());
            put(n, "accuracy", round(t.accuracy()));
            n.put("metric", t.info.metric().key());
            put(n, "value", round(t.metric()));
            put(n, "report", round(t.info.reported()));
            n.putPOJO("versions", List.copyOf(t.versions));
            ObjectNode labels = n.putObject("labels");
            t.labelCounts.forEach(labels::put);
        }
        ObjectNode dlq = o.putObject("dlq_by_kind");
        deadLetters.forEach(dlq::put);
        put(o, "throughput", round(throughput()));
        put(o, "p50_ms", round(percentile(50)));
        put(o, "p99_ms", round(percentile(99)));
        put(o, "first_label_s", firstLabelNanos < 0 ? Double.NaN : round((firstLabelNanos - startNanos) / 1e9));
        if (swapTask != null) {
            ObjectNode swap = o.putObject("swap");
            swap.put("task", swapTask);
            swap.put("from_version", fromVersion);
            swap.put("to_version", toVersion);
            put(swap, "ms", round(swapMs));
        }
        return o;
    }

    /** Labels per second from the first label to the last. */
    private double throughput() {
        return labeled < 2 || lastLabelNanos <= firstLabelNanos ? 0
                : (labeled - 1) * 1e9 / (lastLabelNanos - firstLabelNanos);
    }

    private double percentile(double p) {
        return latenciesMs.isEmpty() ? Double.NaN
                : SpeedStats.percentile(latenciesMs.stream().mapToDouble(Double::doubleValue).toArray(), p);
    }

    private String ms(double p) {
        double v = percentile(p);
        return Double.isNaN(v) ? "-" : f("%.0f", v);
    }

    private static String versions(TaskScore t) {
        return t.versions.isEmpty() ? "-" : "v" + String.join(",v", t.versions.stream().map(String::valueOf).toList());
    }

    private static String pct(double fraction) {
        return Double.isNaN(fraction) ? "-" : f("%.2f", fraction * 100);
    }

    /** JSON has no NaN: an unknown figure is null. */
    private static void put(ObjectNode o, String key, double value) {
        if (Double.isNaN(value)) {
            o.putNull(key);
        } else {
            o.put(key, value);
        }
    }

    private static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 10_000) / 10_000.0;
    }

    private static int[] toArray(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
