package dev.skeleton.builder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.builder.search.Candidate;
import dev.skeleton.builder.search.CandidateResult;
import dev.skeleton.builder.search.CandidateSpeeds;
import dev.skeleton.builder.search.ValidationRounds;
import dev.skeleton.builder.train.PromptTuner;
import dev.skeleton.engine.skeleton.AtomicFiles;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Writes a build's artifacts: {@code prompts/TASK/prompt.avro} (prompt and head on the full model),
 * {@code skeletons/TASK/skeleton.avro}, {@code skeletons/TASK/localization.json} (scores and kept units),
 * {@code skeletons/TASK/report.md} and the search's {@code sweep.json} (every candidate) and {@code sweep.png}.
 * Every file is written to a temporary file and renamed, the skeleton last, so an interrupted build never leaves
 * half a file.
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

    /**
     * Where a build keeps its tuned prompt until it writes its artifacts ({@code prompts/TASK/prompt.checkpoint.avro}):
     * a build that stops later can start from it with {@code --from-prompt}.
     */
    public Path checkpointFile(String task) {
        return promptFile(task).resolveSibling("prompt.checkpoint.avro");
    }

    /** Keeps a freshly tuned prompt in {@link #checkpointFile}, which {@link #write} removes once the build ships. */
    public void writeCheckpoint(TaskSkeleton prompt) {
        SkeletonFiles.write(prompt, checkpointFile(prompt.getTaskId()));
    }

    public Path skeletonFile(String task) {
        return root.resolve(SkeletonFiles.SKELETONS_DIR).resolve(task).resolve(SkeletonFiles.SKELETON_FILE);
    }

    /**
     * Writes every artifact of {@code r}; {@code command} is the command line that built it, for the report. A build
     * that ships nothing (the task did not learn) writes only {@code skeletons/TASK/report-not-shipped.md}, so the
     * task's earlier skeleton and its report stay as they were.
     */
    public void write(BuildResult r, String command) {
        String task = r.prompt().getTaskId();
        Path dir = skeletonFile(task).getParent();
        if (!r.ships()) {
            AtomicFiles.writeString(notShippedReport(task), report(r, command));
            return;
        }
        AtomicFiles.writeString(dir.resolve("localization.json"), localizationJson(r));
        AtomicFiles.writeString(dir.resolve("validation-rounds.tsv"), validationRoundsTsv(r.validationRounds()));
        AtomicFiles.writeString(dir.resolve("report.md"), report(r, command));
        AtomicFiles.writeString(dir.resolve("sweep.json"), json(Map.of("task", task, "metric", r.metric().key(),
                "summary", r.summary(), "candidates", r.candidates())));
        SweepPlot.write(dir.resolve("sweep.png"), task + ": candidate skeletons, " + r.metric().key()
                + " against speed-up", r.metric().key(), r.candidates(), r.promptMetrics().validation(),
                r.promptMetrics().validation() - r.maxDrop() / 100, r.linearProbe().validation());
        SkeletonFiles.write(r.prompt(), promptFile(task));
        SkeletonFiles.write(r.skeleton(), skeletonFile(task));
        try {
            Files.deleteIfExists(checkpointFile(task));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + checkpointFile(task), e);
        }
    }

    /** Where a build that ships nothing writes its report. */
    public Path notShippedReport(String task) {
        return skeletonFile(task).resolveSibling("report-not-shipped.md");
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

    /**
     * Prompt tuning's validation metric and loss after each epoch, why it ran the epochs it ran, and a hint when it
     * ended while the loss was still falling: a task on which more epochs may give a stronger prompt.
     */
    static String promptCurve(PromptTuner.Tuned tuning, String key, String maxEpochs) {
        List<Double> curve = tuning.curve();
        if (curve.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "Prompt tuning ran %d of at most %s epochs "
                + "(%s); validation %s after each: %s; validation loss: %s.", tuning.epochs(), maxEpochs,
                switch (tuning.ending()) {
                    case ALL_EPOCHS -> "all of them";
                    case TIME -> String.format(Locale.ROOT, "as many as end within %.0f%% of the time limit",
                            100 * SkeletonBuilder.PROMPT_TIME_SHARE);
                    case VALIDATION_LOSS -> "the validation loss stopped falling, so one closing epoch ran at a "
                            + "rate decaying to zero";
                }, key, joined(curve, 100, "%.2f"), joined(tuning.lossCurve(), 1, "%.4f")));
        List<Double> losses = tuning.lossCurve();
        double last = losses.get(losses.size() - 1);
        if (tuning.ending() != PromptTuner.Ending.VALIDATION_LOSS && losses.size() > 1
                && losses.stream().allMatch(v -> v >= last)) {
            md.append(" The loss was still falling at the last epoch: more `--epochs` or `--time-limit` may give a "
                    + "stronger prompt, and re-tuning then runs as many epochs (see the README's \"Prompt epochs\").");
        }
        return md.append("\n\n").toString();
    }

    private static String joined(List<Double> values, double scale, String format) {
        return values.stream().map(v -> String.format(Locale.ROOT, format, scale * v))
                .collect(Collectors.joining(", "));
    }

    private static String report(BuildResult r, String command) {
        TaskSkeleton p = r.prompt();
        Map<String, String> o = p.getProvenance().getOptions();
        String key = r.metric().key();
        StringBuilder md = new StringBuilder();
        md.append("# Skeleton report: ").append(p.getTaskId()).append(" v").append(p.getVersion())
                .append(r.ships() ? "" : " (not shipped)").append("\n\n");
        md.append("Built ").append(Instant.ofEpochMilli(p.getProvenance().getCreatedAtMillis())).append(" in ")
                .append(String.format(Locale.ROOT, "%.0f s (%.1f min)", r.seconds(), r.seconds() / 60)).append(" on ")
                .append(p.getBaseModel().getName()).append(" (`").append(p.getBaseModel().getFingerprint())
                .append("`), ").append(Runtime.getRuntime().availableProcessors()).append(" cores");
        String limit = o.getOrDefault("time_limit_s", "0");
        md.append(limit.equals("0") ? "" : String.format(Locale.ROOT, ", time limit %.0f min",
                Long.parseLong(limit) / 60.0))
                .append(".\n\n");
        md.append("```\n").append(command).append("\n```\n\n");
        md.append("| | validation ").append(key).append(" | dev ").append(key).append(" |\n|---|---|---|\n");
        int epochs = r.promptTuning().epochs();
        row(md, epochs == 0 ? "prompt tuning, full model (the prompt given)"
                : String.format(Locale.ROOT, "prompt tuning, full model (%d epoch%s)", epochs, epochs == 1 ? "" : "s"),
                r.promptMetrics());
        if (r.ships()) {
            row(md, String.format(Locale.ROOT, "**skeleton** (FFN %.2f, heads %.2f)", r.chosen().ffnKeep(),
                    r.chosen().headKeep()), r.shipped());
            row(md, "the same skeleton, int8 weights (`engine.precision=int8`)", r.int8().metrics());
        }
        if (!Double.isNaN(r.linearProbe().validation())) {
            row(md, "linear probe (no prompt: a head on the frozen model's pooled output)", r.linearProbe());
        }
        row(md, "majority label", new BuildResult.Metrics(r.learning().majority(), Double.NaN));
        String heldOut = o.containsKey("validation") ? "from `" + o.get("validation") + "`"
                : String.format(Locale.ROOT, "held out of the training data (stratified, seed %s; leak-free: no other "
                        + "example contains a validation example, and the %d examples they contain were left out of "
                        + "training)", p.getProvenance().getSeed(), r.leftOut());
        md.append(String.format(Locale.ROOT, "%nValidation: %d examples %s; every choice was made on it. Dev: %d "
                + "examples of `%s`, reported only. Training: %d examples.%n%n", r.validationExamples(), heldOut,
                r.devExamples(), o.get("dev"), r.trainExamples()));
        md.append(promptCurve(r.promptTuning(), key, o.get("epochs")));
        md.append("**Did the task learn?** ").append(r.learning().message()).append(".\n\n");
        if (!r.ships()) {
            md.append("Nothing was shipped: no prompt or skeleton was written. Rebuild with more or cleaner data, more "
                    + "`--epochs`, another `--learning-rate` or a shallow prompt (`--no-deep-prompt`), or pass "
                    + "`--allow-weak` to ship it anyway.\n\n");
        } else {
            md.append(String.format(Locale.ROOT, "**Chosen:** %s. Speed-up over the prompt on the full model: "
                    + "**%.2fx** (range %.2f-%.2fx over %d interleaved repetitions, batch %d, validation texts, "
                    + "ONNX Runtime, %d threads).%n%n", r.chosen().equals(Candidate.FULL)
                            ? "no candidate reached the budget, so the prompt on the full model ships (nothing removed)"
                            : String.format(Locale.ROOT, "FFN keep %.2f, head keep %.2f: the fastest candidate whose "
                                    + "validation %s (%.2f), less its noise margin (%.2f: %s standard errors of its "
                                    + "difference to the prompt, paired bootstrap), is within %.2f points of the "
                                    + "prompt's (%.2f)", r.chosen().ffnKeep(), r.chosen().headKeep(), key,
                                    100 * r.shipped().validation(), 100 * chosenMargin(r), o.get("noise_margin"),
                                    r.maxDrop(), 100 * r.promptMetrics().validation()),
                    r.speed().median(), r.speed().min(), r.speed().max(), CandidateSpeeds.REPETITIONS,
                    CandidateSpeeds.BATCH, Runtime.getRuntime().availableProcessors()));
            md.append(String.format(Locale.ROOT, "With int8 weights (`engine.precision=int8`, not chosen on: reported) "
                    + "the skeleton is **%.2fx** the fp32 prompt on the full model (range %.2f-%.2fx, timed the same "
                    + "way).%n%n", r.int8().speed().median(), r.int8().speed().min(), r.int8().speed().max()));
            md.append("Candidates, fastest first by the linear time model fitted to all their timings, which ordered "
                    + "the search (its speed-up in the column \"fitted\"; measured ones are noisier and can swap near "
                    + "ties; plot: `sweep.png`). Each was localized from the same attribution "
                    + "scores, warm-started from the smallest candidate within the budget that keeps all it keeps "
                    + "(else the prompt), and re-tuned (prompt, head").append("0".equals(o.get("ffn_rank")) ? ""
                            : " and a rank-" + o.get("ffn_rank") + " update of each layer's kept FFN weights")
                    .append(") in rounds of up to ").append(SkeletonBuilder.ROUND_EXAMPLES)
                    .append(" training examples until its validation metric stopped improving")
                    .append(averageRounds(o) > 1 ? " (judged and kept: the mean of its parameters at the end of its"
                            + " last " + averageRounds(o) + " rounds)" : "")
                    .append(". A candidate's validation figure is its best round's less the luck of choosing that"
                            + " round among its rounds (the mean optimism of the best round over bootstrap resamples of"
                            + " the split, in its own column): the best of several measurements on the same examples is"
                            + " optimistic:\n\n");
            md.append("| FFN keep | head keep | speed-up (range) | fitted | validation ").append(key)
                    .append(" | luck of the best round | noise margin | dev ").append(key)
                    .append(" | rounds | warm start | outcome |\n")
                    .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (CandidateResult c : r.candidates()) {
                md.append(String.format(Locale.ROOT,
                        "| %.2f | %.2f | %.2fx (%.2f-%.2f) | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                        c.candidate().ffnKeep(), c.candidate().headKeep(), c.speed().median(), c.speed().min(),
                        c.speed().max(), speedup(c.fittedSpeedup()), percent(c.validation()),
                        percent(c.selectionBias()), percent(c.margin()), percent(c.dev()),
                        c.rounds() == 0 ? "-" : Integer.toString(c.rounds()),
                        !c.status().tried() ? "-" : c.warmStart() == null ? "prompt" : c.warmStart().toString(),
                        c.status().meaning()));
            }
            md.append("\nKept FFN neurons per layer: ").append(counts(r.skeleton().getFfnKept(), "all"))
                    .append(". Kept heads per layer: ").append(counts(r.skeleton().getHeadsKept(), "all"))
                    .append(".\n\n");
        }
        if (o.containsKey("from_prompt")) {
            md.append("The prompt was not trained in this build: it is `").append(o.get("from_prompt"))
                    .append("` (--from-prompt), so the build time above excludes prompt tuning.\n\n");
        }
        if (o.containsKey("distill")) {
            md.append("Re-tuning distilled the full model: its targets were the prompt-tuned full model's predicted "
                    + "distribution (weight ").append(o.get("distill")).append(") mixed with the gold label.\n\n");
        }
        md.append("Options: `").append(new TreeMap<>(o)).append("`\n\nData: `")
                .append(new TreeMap<>(p.getProvenance().getDataHashes())).append("`\n");
        return md.toString();
    }

    /**
     * One row per prediction vector, labels as indices separated by commas: the gold labels, the prompt's, then each
     * judged round of each trial, in the order tried.
     */
    private static String validationRoundsTsv(ValidationRounds v) {
        StringBuilder tsv = new StringBuilder("# every prediction the budget search judged on the validation split\n"
                + "candidate\tround\tlabels\n");
        tsvRow(tsv, "gold", 0, v.gold());
        tsvRow(tsv, "prompt", 0, v.prompt());
        v.rounds().forEach((c, rounds) -> {
            for (int i = 0; i < rounds.size(); i++) {
                tsvRow(tsv, c.toString(), i, rounds.get(i));
            }
        });
        return tsv.toString();
    }

    private static void tsvRow(StringBuilder tsv, String name, int round, int[] labels) {
        tsv.append(name).append('\t').append(round).append('\t')
                .append(Arrays.stream(labels).mapToObj(Integer::toString).collect(Collectors.joining(",")))
                .append('\n');
    }

    private static String speedup(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2fx", value);
    }

    private static double chosenMargin(BuildResult r) {
        return r.candidates().stream().filter(c -> c.candidate().equals(r.chosen())).findFirst()
                .map(CandidateResult::margin).orElse(Double.NaN);
    }

    private static void row(StringBuilder md, String name, BuildResult.Metrics m) {
        md.append("| ").append(name).append(" | ").append(percent(m.validation())).append(" | ")
                .append(percent(m.dev()))
                .append(" |\n");
    }

    private static String percent(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", 100 * value);
    }

    private static String counts(List<List<Integer>> kept, String none) {
        return kept == null ? none : kept.stream().map(l -> Integer.toString(l.size())).toList().toString();
    }

    /** Rounds a trial's mean spans; 1 in the provenance of builds made before the option existed. */
    private static int averageRounds(Map<String, String> options) {
        return Integer.parseInt(options.getOrDefault("average_rounds", "1"));
    }
}
