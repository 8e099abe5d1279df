package dev.skeleton.cli.bench;

import static dev.skeleton.cli.bench.BenchPrinter.f;
import static dev.skeleton.cli.bench.BenchPrinter.round;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skeleton.cli.Json;
import java.io.PrintWriter;

/** Writes a {@link StreamBenchReport} as a table for people or as JSON Lines for tools. */
public final class StreamBenchPrinter {

    private StreamBenchPrinter() {}

    public static void table(StreamBenchReport r, PrintWriter out) {
        out.println("task:      " + r.task());
        out.println("setup:     " + r.setup());
        out.println("timing:    throughput = requests / (first send .. last label read), sent as fast as possible;"
                + " latency = send .. label read by a consumer, at half the variant's throughput");
        out.println();
        out.println(f("%-11s %6s %6s %9s %9s %9s %10s %9s %9s %6s %5s", "variant", "batch", "delay", "requests",
                "seq/s", "vs raw", "mean batch", "p50 ms", "p99 ms", "lost", "dup"));
        StreamBenchReport.Raw raw = r.raw();
        for (StreamBenchReport.Variant v : r.variants()) {
            out.println(f("%-11s %6d %6d %9d %9.1f %9.2f %10.1f %9.1f %9.1f %6d %5d", v.name(), v.batchMaxSize(),
                    v.batchMaxDelayMs(), v.messages(), v.seqPerSecond(), v.seqPerSecond() / raw.best(),
                    v.meanBatch(), v.p50Ms(), v.p99Ms(), v.lost(), v.duplicates()));
        }
        out.println(f("%-11s %6d %6s %9s %9.1f %9.2f   1 caller, engine.threads=%d", "raw engine", raw.batch(), "-",
                "-", raw.seqPerSecond(), raw.seqPerSecond() / raw.best(), raw.threads()));
        out.println(f("%-11s %6d %6s %9s %9.1f %9.2f   %d callers at once, engine.threads=%d", "raw engine",
                raw.batch(), "-", "-", raw.parallelSeqPerSecond(), raw.parallelSeqPerSecond() / raw.best(),
                raw.callers(), raw.callerThreads()));
        out.println(f("%-11s %6d %6s %9s %9.1f %9.2f   1 caller, engine.threads=%d", "raw engine", 1, "-", "-",
                raw.singleSeqPerSecond(), raw.singleSeqPerSecond() / raw.best(), raw.threads()));
        out.println(f("vs raw: against the better batched raw figure; raw engine batch %d / batch 1: %.2fx (what "
                + "batching can gain at most on this machine, 1 caller)", raw.batch(),
                raw.seqPerSecond() / raw.singleSeqPerSecond()));
        for (StreamBenchReport.Variant dynamic : r.variants()) {
            if (dynamic.batchMaxSize() == 1) {
                continue;
            }
            for (StreamBenchReport.Variant single : r.variants()) {
                if (single.batchMaxSize() == 1) {
                    out.println(f("%s / %s throughput: %.2fx", dynamic.name(), single.name(),
                            dynamic.seqPerSecond() / single.seqPerSecond()));
                }
            }
        }
        out.println();
        out.println("in the service, latency phase (means): arrival = send .. processor; queue = processor .. batch"
                + " start; inference per batch; order wait = label known .. forwarded; to forward = send .. forwarded");
        out.println(f("%-11s %10s %9s %13s %7s %14s %13s", "variant", "arrival ms", "queue ms", "inference ms",
                "batch", "order wait ms", "to forward ms"));
        for (StreamBenchReport.Variant v : r.variants()) {
            StreamBenchReport.InService s = v.inService();
            out.println(f("%-11s %10.1f %9.1f %13.1f %7.1f %14.1f %13.1f", v.name(), s.arrivalMs(), s.queueMs(),
                    s.inferenceMs(), s.batch(), s.orderWaitMs(), s.toForwardMs()));
        }
        out.println();
        out.println(f("latency tail: requests at or above p99, grouped into stalls (slow requests sent within %.0f ms"
                + " of each other); stop-the-world GC pauses and JIT compile time of the JVM (service and clients) in"
                + " the latency phase; the broker JVM's pauses (count, ms, longest, ms within the worst stall) when it"
                + " runs in its own",
                LatencyTail.STALL_GAP_MS));
        out.println(f("%-11s %9s %9s %7s %15s %13s %10s %10s %9s %7s %s", "variant", "p99 ms", "requests", "stalls",
                "worst: requests", "worst max ms", "worst at s", "GC pauses", "GC ms", "JIT ms", "broker GC"));
        for (StreamBenchReport.Variant v : r.variants()) {
            LatencyTail t = v.tail();
            LatencyTail.BrokerGc b = t.brokerGc();
            out.println(f("%-11s %9.1f %9d %7d %15d %13.1f %10.1f %10d %9d %7d %s", v.name(), t.thresholdMs(),
                    t.slowRequests(), t.stalls(), t.worstStallSize(), t.worstStallMs(), t.worstStallAtS(),
                    t.gcPauses(), t.gcPauseMs(), t.compileMs(), b == null ? "-" : f("%d, %.1f, %.1f, %.1f",
                            b.pauses(), b.totalMs(), b.maxMs(), b.inWorstStallMs())));
        }
        StreamBenchReport.Swap s = r.swap();
        if (s != null) {
            out.println();
            out.println(f("hot swap:  %d versions published while %d requests flowed at %.0f/s; publish .. first label"
                    + " of the new version: p50 %.0f ms, p99 %.0f ms, max %.0f ms; lost %d, duplicates %d, version"
                    + " regressions %d", s.swaps(), s.messages(), s.rate(), s.p50Ms(), s.p99Ms(), s.maxMs(), s.lost(),
                    s.duplicates(), s.regressions()));
            out.println("swap phases, in the service (p50 / p99 ms): " + String.join(", ", s.phases().stream()
                    .map(ph -> f("%s %.0f / %.0f", ph.phase(), ph.p50Ms(), ph.p99Ms())).toList()));
        }
        for (StreamBenchReport.Burst b : r.bursts()) {
            out.println(f("burst:     %d new tasks published at once, registry.load.threads=%d: each serving after "
                    + "%.0f ms (median task), all after %.0f ms (medians of %d bursts, no requests flowing)",
                    b.tasks(), b.loadThreads(), b.taskP50Ms(), b.allServingMs(), b.repetitions()));
        }
        out.flush();
    }

    public static void jsonLines(StreamBenchReport r, PrintWriter out) {
        for (StreamBenchReport.Variant v : r.variants()) {
            ObjectNode o = Json.object();
            o.put("variant", v.name());
            o.put("task", r.task());
            o.put("batch_max_size", v.batchMaxSize());
            o.put("batch_max_delay_ms", v.batchMaxDelayMs());
            o.put("inference_workers", v.workers());
            o.put("requests", v.messages());
            o.put("seq_per_s", round(v.seqPerSecond(), 2));
            o.put("vs_raw", round(v.seqPerSecond() / r.raw().best(), 3));
            o.put("mean_batch", round(v.meanBatch(), 2));
            o.put("latency_rate", round(v.latencyRate(), 1));
            o.put("latency_requests", v.latencyMessages());
            o.put("p50_ms", round(v.p50Ms(), 1));
            o.put("p99_ms", round(v.p99Ms(), 1));
            o.put("lost", v.lost());
            o.put("duplicates", v.duplicates());
            o.put("arrival_ms_mean", round(v.inService().arrivalMs(), 1));
            o.put("queue_ms_mean", round(v.inService().queueMs(), 1));
            o.put("inference_ms_mean", round(v.inService().inferenceMs(), 1));
            o.put("latency_batch_mean", round(v.inService().batch(), 2));
            o.put("order_wait_ms_mean", round(v.inService().orderWaitMs(), 1));
            o.put("to_forward_ms_mean", round(v.inService().toForwardMs(), 1));
            ObjectNode tail = o.putObject("tail");
            tail.put("slow_requests", v.tail().slowRequests());
            tail.put("stalls", v.tail().stalls());
            tail.put("worst_stall_requests", v.tail().worstStallSize());
            tail.put("worst_stall_max_ms", round(v.tail().worstStallMs(), 1));
            tail.put("worst_stall_at_s", round(v.tail().worstStallAtS(), 2));
            tail.put("gc_pauses", v.tail().gcPauses());
            tail.put("gc_pause_ms", v.tail().gcPauseMs());
            tail.put("jit_compile_ms", v.tail().compileMs());
            LatencyTail.BrokerGc broker = v.tail().brokerGc();
            if (broker != null) {
                tail.put("broker_gc_pauses", broker.pauses());
                tail.put("broker_gc_pause_ms", round(broker.totalMs(), 1));
                tail.put("broker_gc_max_ms", round(broker.maxMs(), 1));
                tail.put("broker_gc_in_worst_stall_ms", round(broker.inWorstStallMs(), 1));
            }
            out.println(Json.line(o));
        }
        ObjectNode raw = Json.object();
        raw.put("variant", "raw");
        raw.put("task", r.task());
        raw.put("batch", r.raw().batch());
        raw.put("seq_per_s", round(r.raw().seqPerSecond(), 2));
        raw.put("engine_threads", r.raw().threads());
        raw.put("seq_per_s_parallel", round(r.raw().parallelSeqPerSecond(), 2));
        raw.put("parallel_callers", r.raw().callers());
        raw.put("parallel_engine_threads", r.raw().callerThreads());
        raw.put("seq_per_s_best", round(r.raw().best(), 2));
        raw.put("seq_per_s_batch_1", round(r.raw().singleSeqPerSecond(), 2));
        raw.put("setup", r.setup());
        out.println(Json.line(raw));
        StreamBenchReport.Swap s = r.swap();
        if (s != null) {
            ObjectNode o = Json.object();
            o.put("variant", "hot_swap");
            o.put("task", r.task());
            o.put("swaps", s.swaps());
            o.put("p50_ms", round(s.p50Ms(), 1));
            o.put("p99_ms", round(s.p99Ms(), 1));
            o.put("max_ms", round(s.maxMs(), 1));
            o.put("rate", round(s.rate(), 1));
            o.put("requests", s.messages());
            o.put("lost", s.lost());
            o.put("duplicates", s.duplicates());
            o.put("version_regressions", s.regressions());
            ObjectNode phases = o.putObject("phases_ms");
            for (StreamBenchReport.PhaseTime ph : s.phases()) {
                ObjectNode phase = phases.putObject(ph.phase());
                phase.put("p50", round(ph.p50Ms(), 1));
                phase.put("p99", round(ph.p99Ms(), 1));
            }
            out.println(Json.line(o));
        }
        for (StreamBenchReport.Burst b : r.bursts()) {
            ObjectNode o = Json.object();
            o.put("variant", "burst");
            o.put("task", r.task());
            o.put("registry_load_threads", b.loadThreads());
            o.put("tasks", b.tasks());
            o.put("repetitions", b.repetitions());
            o.put("task_p50_ms", round(b.taskP50Ms(), 1));
            o.put("all_serving_ms", round(b.allServingMs(), 1));
            out.println(Json.line(o));
        }
        out.flush();
    }
}
