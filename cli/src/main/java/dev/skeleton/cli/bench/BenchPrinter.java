package dev.skeleton.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skeleton.cli.Json;
import java.io.PrintWriter;
import java.util.Locale;

/** Writes a {@link BenchReport} as a table for people or as JSON Lines for tools. */
public final class BenchPrinter {

    private BenchPrinter() {}

    public static void table(BenchReport r, PrintWriter out) {
        BenchSettings s = r.settings();
        out.println("model:     " + r.model() + ", CPU, " + s.threads() + " ONNX Runtime threads; int8 = dynamic "
                + "quantization of the layer matrices (per-column int8 weights, activations quantized per batch); "
                + "packed = weights pre-packed per session (engine.prepack.weights=true), unpacked = unchanged "
                + "matrices held once (false)");
        out.println("sentences: " + r.sentences());
        out.println(f("tokens:    %.1f text tokens per input (with [CLS]/[SEP]; a pair: both texts) + %d prompt rows"
                + " per encoder row; dynamic padding (a batch runs as length-sorted runs, each padded to its longest"
                + " member; padded = text tokens computed per input)", r.meanTokens(), s.promptLength()));
        out.println("variants:  full = prompt on the full model; deep = the same with a deep prompt (an offset for the"
                + " prompt positions before every later layer); skeleton = shallow prompt, FFN neurons (keep) and"
                + " attention heads (heads) kept at random; input = single sentences, or pairs of consecutive"
                + " sentences cross-encoded (pair) or each encoded apart (siamese)");
        out.println("timing:    " + s.reps() + " repetitions, variants interleaved; seq/s = inputs (a pair counts once)"
                + " per second, median over repetitions; speedup = median over repetitions of seq/s / the first full"
                + " model's seq/s in the same repetition");
        out.println();
        out.println(f("%-9s %-8s %-5s %-8s %5s %5s %6s %10s %8s %14s %8s", "variant", "input", "prec", "weights",
                "keep", "heads", "batch", "seq/s", "speedup", "min..max seq/s", "padded"));
        for (BenchResult row : r.results()) {
            out.println(f("%-9s %-8s %-5s %-8s %5.2f %5.2f %6d %10.1f %8.2f %14s %8.1f", row.variant(), row.input(),
                    row.precision(),
                    packing(row.prepacked()), row.keep(), row.headKeep(), row.batch(),
                    row.seqPerSecond(), row.speedup(),
                    f("%.0f..%.0f", row.minSeqPerSecond(), row.maxSeqPerSecond()), row.paddedTokens()));
        }
        out.println();
        MemoryResult m = r.memory();
        if (m == null) {
            out.println("memory:    not measured (no /proc/self/status on this system)");
        } else {
            out.println(f("memory:    %d extra %s %s tasks at keep %.2f: +%.1f MiB RSS per task; each owns %.1f MiB of"
                    + " weights (RSS/owned %.2f)", m.tasks(), m.precision(), packing(m.prepacked()), m.keep(),
                    m.rssPerTaskMib(), m.ownedMib(), m.ratio()));
            out.println(f("           RSS %.0f -> %.0f MiB after loading them, one batch each and a GC (Java heap"
                    + " committed %+.0f MiB of that); shared base weights %.1f MiB, held once",
                    m.rssBeforeMib(), m.rssAfterMib(), m.heapDeltaMib(), m.sharedMib()));
            out.println(f("           loading them took %.1f s; median time from load to the first batch of 8 labeled:"
                    + " %.0f ms per task", m.loadSeconds(), m.firstLabelMs()));
        }
        out.flush();
    }

    public static void jsonLines(BenchReport r, PrintWriter out) {
        BenchSettings s = r.settings();
        for (BenchResult row : r.results()) {
            ObjectNode o = Json.object();
            o.put("variant", row.variant());
            o.put("input", row.input());
            o.put("precision", row.precision());
            o.put("prepack_weights", row.prepacked());
            o.put("keep", row.keep());
            o.put("head_keep", row.headKeep());
            o.put("batch", row.batch());
            o.put("seq_per_s", round(row.seqPerSecond(), 2));
            o.put("speedup", round(row.speedup(), 3));
            o.put("seq_per_s_min", round(row.minSeqPerSecond(), 2));
            o.put("seq_per_s_max", round(row.maxSeqPerSecond(), 2));
            o.put("threads", s.threads());
            o.put("prompt_length", s.promptLength());
            o.put("mean_tokens", round(r.meanTokens(), 2));
            o.put("padded_tokens", round(row.paddedTokens(), 2));
            o.put("reps", s.reps());
            o.put("batches_per_rep", row.batchesPerRep());
            o.put("model", r.model());
            out.println(Json.line(o));
        }
        MemoryResult m = r.memory();
        if (m != null) {
            ObjectNode o = Json.object();
            o.put("variant", "memory");
            o.put("precision", m.precision());
            o.put("prepack_weights", m.prepacked());
            o.put("tasks", m.tasks());
            o.put("keep", m.keep());
            o.put("rss_per_task_mib", round(m.rssPerTaskMib(), 2));
            o.put("owned_mib", round(m.ownedMib(), 2));
            o.put("ratio", round(m.ratio(), 3));
            o.put("rss_before_mib", round(m.rssBeforeMib(), 1));
            o.put("rss_after_mib", round(m.rssAfterMib(), 1));
            o.put("shared_mib", round(m.sharedMib(), 1));
            o.put("heap_delta_mib", round(m.heapDeltaMib(), 1));
            o.put("load_s", round(m.loadSeconds(), 2));
            o.put("first_label_ms", round(m.firstLabelMs(), 1));
            o.put("threads", s.threads());
            o.put("prompt_length", s.promptLength());
            out.println(Json.line(o));
        }
        out.flush();
    }

    private static String packing(boolean prepacked) {
        return prepacked ? "packed" : "unpacked";
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
