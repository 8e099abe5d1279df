package dev.skeleton.builder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.skeleton.AtomicFiles;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a build's artifacts: {@code prompts/TASK/prompt.avro} (prompt and head on the full model),
 * {@code skeletons/TASK/skeleton.avro}, {@code skeletons/TASK/localization.json} (scores and kept units)
 * and {@code skeletons/TASK/report.md}. Every file is written to a temporary file and renamed, the skeleton
 * last, so an interrupted build never leaves half a file.
 */
public final class ArtifactWriter {

    private final Path root;

    public ArtifactWriter(Path root) {
        this.root = root;
    }

    /** The version a new build of {@code task} gets: one above any existing prompt or skeleton. */
    public long nextVersion(String task) {
        long latest = 0;
        for (Path p : List.of(promptFile(task), skeletonFile(task))) {
            if (Files.isRegularFile(p)) {
                latest = Math.max(latest, SkeletonFiles.read(p).getVersion());
            }
        }
        return latest + 1;
    }

    public Path promptFile(String task) {
        return root.resolve(SkeletonFiles.PROMPTS_DIR).resolve(task).resolve(SkeletonFiles.PROMPT_FILE);
    }

    public Path skeletonFile(String task) {
        return root.resolve(SkeletonFiles.SKELETONS_DIR).resolve(task).resolve(SkeletonFiles.SKELETON_FILE);
    }

    /** Writes every artifact of {@code r}; {@code command} is the command line that built it, for the report. */
    public void write(BuildResult r, String command) {
        String task = r.skeleton().getTaskId();
        Path dir = skeletonFile(task).getParent();
        AtomicFiles.writeString(dir.resolve("localization.json"), localizationJson(r));
        AtomicFiles.writeString(dir.resolve("report.md"), report(r, command));
        if (!r.sweep().isEmpty()) {
            AtomicFiles.writeString(dir.resolve("sweep.json"), json(Map.of("task", task, "metric", r.metric().key(),
                    "prompt_full_model", r.promptMetric(), "linear_probe",
                    Double.isNaN(r.linearProbeMetric()) ? "not measured" : r.linearProbeMetric(), "points", r.sweep())));
            SweepPlot.write(dir.resolve("sweep.png"), task + ": dev " + r.metric().key() + " and speed-up vs FFN neurons kept",
                    r.metric().key(), r.sweep(), r.promptMetric(), r.linearProbeMetric());
        }
        SkeletonFiles.write(r.prompt(), promptFile(task));
        SkeletonFiles.write(r.skeleton(), skeletonFile(task));
    }

    private static String localizationJson(BuildResult r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("task", r.skeleton().getTaskId());
        doc.put("version", r.skeleton().getVersion());
        doc.put("options", r.skeleton().getProvenance().getOptions());
        doc.put("ffn_kept", r.skeleton().getFfnKept());
        doc.put("heads_kept", r.skeleton().getHeadsKept());
        doc.put("ffn_scores", r.scores().ffn());
        doc.put("head_scores", r.scores().heads());
        return json(doc);
    }

    private static String json(Object doc) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String report(BuildResult r, String command) {
        TaskSkeleton s = r.skeleton();
        Map<String, String> o = s.getProvenance().getOptions();
        StringBuilder md = new StringBuilder();
        md.append("# Skeleton report: ").append(s.getTaskId()).append(" v").append(s.getVersion()).append("\n\n");
        md.append("Built ").append(Instant.ofEpochMilli(s.getProvenance().getCreatedAtMillis())).append(" in ")
                .append(String.format(Locale.ROOT, "%.0f s", r.seconds())).append(" on ")
                .append(s.getBaseModel().getName()).append(" (`").append(s.getBaseModel().getFingerprint())
                .append("`).\n\n");
        md.append("```\n").append(command).append("\n```\n\n");
        md.append("| | dev ").append(r.metric().key()).append(" |\n|---|---|\n");
        md.append(String.format(Locale.ROOT, "| prompt tuning, full model | %.2f |%n", 100 * r.promptMetric()));
        md.append(String.format(Locale.ROOT, "| skeleton (keep %s of FFN neurons, %s of heads) | %.2f |%n",
                o.get("keep"), o.get("head_keep"), 100 * r.skeletonMetric()));
        if (!Double.isNaN(r.linearProbeMetric())) {
            md.append(String.format(Locale.ROOT, "| linear probe (no prompt: a head on the frozen model's pooled output, "
                    + "same data and schedule) | %.2f |%n", 100 * r.linearProbeMetric()));
        }
        md.append(String.format(Locale.ROOT, "%nBoth served by the ONNX Runtime engine on %d dev examples. Measured "
                + "speed-up of the skeleton over the prompt on the full model: **%.2fx** (batch 32, the first 256 "
                + "dev texts, median of 5 interleaved repetitions, %d threads).%n%n", r.devExamples(), r.speedup(),
                Runtime.getRuntime().availableProcessors()));
        if (o.containsKey("from_prompt")) {
            md.append("The prompt was not trained in this build: it is `").append(o.get("from_prompt"))
                    .append("` (--from-prompt), so the build time above excludes prompt tuning.\n\n");
        }
        if (o.containsKey("distill")) {
            md.append("Re-tuning distilled the full model: its targets were the prompt-tuned full model's predicted "
                    + "distribution (weight ").append(o.get("distill")).append(") mixed with the gold label.\n\n");
        }
        md.append("Training examples used: ").append(r.trainExamples()).append(" (option max_train_examples=")
                .append(o.get("max_train_examples")).append(", 0 = all).\n\n");
        md.append("Kept FFN neurons per layer: ").append(counts(s.getFfnKept(), "all")).append(". Kept heads per layer: ")
                .append(counts(s.getHeadsKept(), "all")).append(".\n\n");
        if (!r.sweep().isEmpty()) {
            md.append("Keep-ratio sweep (each point localized from the same attribution scores and re-tuned for ")
                    .append(o.get("sweep_retune_epochs")).append(" epoch(s) from the full-model prompt; plot in `sweep.png`):"
                            + "\n\n| keep | dev ")
                    .append(r.metric().key()).append(" | speed-up |\n|---|---|---|\n");
            for (SweepPoint p : r.sweep()) {
                md.append(String.format(Locale.ROOT, "| %.2f | %.2f | %.2fx |%n", p.keep(), 100 * p.metric(), p.speedup()));
            }
            md.append("\n");
        }
        md.append("Options: `").append(new java.util.TreeMap<>(o)).append("`\n\nData: `")
                .append(new java.util.TreeMap<>(s.getProvenance().getDataHashes())).append("`\n");
        return md.toString();
    }

    private static String counts(List<List<Integer>> kept, String none) {
        return kept == null ? none : kept.stream().map(l -> Integer.toString(l.size())).toList().toString();
    }
}
