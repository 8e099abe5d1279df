package dev.skeleton.cli.build;

import dev.skeleton.avro.Pooling;
import dev.skeleton.builder.ArtifactWriter;
import dev.skeleton.builder.BuildOptions;
import dev.skeleton.builder.BuildResult;
import dev.skeleton.builder.SkeletonBuilder;
import dev.skeleton.builder.train.AttributionMethod;
import dev.skeleton.builder.train.Localization;
import dev.skeleton.builder.train.TrainingOptions;
import dev.skeleton.cli.BaseModelOptions;
import dev.skeleton.cli.CliException;
import dev.skeleton.cli.Json;
import dev.skeleton.cli.SkeletonCli;
import dev.skeleton.engine.skeleton.SkeletonValidator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code skeleton build}: a skeleton for a task from labeled data. */
@Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Build a task skeleton from labeled data (TSV, CSV or JSONL): prompt tuning on the frozen base"
                + " model, neuron and head attribution, then a search for the fastest skeleton whose validation metric"
                + " is within --max-drop of the prompt's (validation held out of the training data; dev is only"
                + " reported).",
                "Writes ROOT/prompts/TASK/prompt.avro and ROOT/skeletons/TASK/{skeleton.avro,report.md,"
                + "localization.json,sweep.json,sweep.png}."})
public final class BuildCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--task", required = true, paramLabel = "NAME", description = "Task id, e.g. sst2.")
    private String task;

    @Option(names = "--train", required = true, paramLabel = "FILE", description = "Training data.")
    private Path train;

    @Option(names = "--dev", required = true, paramLabel = "FILE", description = "Development data (evaluation).")
    private Path dev;

    @Option(names = "--validation", paramLabel = "FILE",
            description = "Make every choice on this labeled file (same columns, never the dev file) instead of a "
                    + "split held out of --train: for training data unlike what will be served, e.g. phrases.")
    private Path validation;

    @Mixin
    private DataColumnsOptions columns;

    @Option(names = "--prompt-length", defaultValue = "20",
            description = "Soft prompt rows (default: ${DEFAULT-VALUE}).")
    private int promptLength;

    @Option(names = "--deep-prompt", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Deep prompt tuning: also train, for every layer after the first, an offset added to the "
                    + "prompt positions' states before that layer. Same speed; learned more on SST-2 and the genre "
                    + "task's validation splits. --no-deep-prompt trains the prompt at the embeddings only "
                    + "(default: on).")
    private boolean deepPrompt;

    @Option(names = {"--ffn-keeps", "--keep"}, split = ",", paramLabel = "K,K,...",
            description = "Candidate shares of FFN neurons kept (default: 0.1,0.2,0.3,0.4,0.5). One value pins it.")
    private List<Double> ffnKeeps = BuildOptions.FFN_KEEPS;

    @Option(names = {"--head-keeps", "--head-keep"}, split = ",", paramLabel = "K,K,...",
            description = "Candidate shares of attention heads kept (default: 0.5,0.75,1.0). One value pins it.")
    private List<Double> headKeeps = BuildOptions.HEAD_KEEPS;

    @Option(names = "--max-drop", defaultValue = "1.0", paramLabel = "D",
            description = "Accuracy budget: ship the fastest candidate whose validation metric is at most D points"
                    + " below the prompt's on the full model (default: ${DEFAULT-VALUE}).")
    private double maxDrop;

    @Option(names = "--noise-margin", defaultValue = "0.5", paramLabel = "SE",
            description = "Count a candidate within --max-drop only when its validation metric clears the budget by"
                    + " this many standard errors of its difference to the prompt (paired bootstrap on the validation"
                    + " split): the best of several noisy measurements is optimistic; 0 = compare the raw metric"
                    + " (default: ${DEFAULT-VALUE}).")
    private double noiseMargin;

    @Option(names = "--scope", defaultValue = "PER_LAYER",
            description = "Rank neurons PER_LAYER or GLOBAL (default: ${DEFAULT-VALUE}).")
    private Localization.Scope scope;

    @Option(names = "--attribution", defaultValue = "GRADIENT_X_ACTIVATION",
            description = "GRADIENT_X_ACTIVATION or INTEGRATED_GRADIENTS (default: ${DEFAULT-VALUE}).")
    private AttributionMethod attribution;

    @Option(names = "--ig-steps", defaultValue = "8",
            description = "Integrated-gradients steps (default: ${DEFAULT-VALUE}).")
    private int igSteps;

    @Option(names = "--attribution-examples", defaultValue = "2048",
            description = "Training examples scored for attribution (default: ${DEFAULT-VALUE}).")
    private int attributionExamples;

    @Option(names = "--max-train-examples", defaultValue = "0",
            description = "Use a seeded sample of at most N training examples; 0 = all (default: ${DEFAULT-VALUE}).")
    private int maxTrainExamples;

    @Option(names = "--epochs", defaultValue = "10",
            description = "Most prompt-tuning epochs: fewer run when they would not end within 40% of --time-limit,"
                    + " and after the first epoch whose validation loss is not below the lowest so far, one closing"
                    + " epoch ends it; the learning rate decays to zero at the last epoch run (default:"
                    + " ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--retune-epochs", defaultValue = "0",
            description = "Re-tuning budget per candidate, in epochs; early stopping usually ends it sooner; 0 = as"
                    + " many as prompt tuning ran, at least 3 (default: ${DEFAULT-VALUE}).")
    private int retuneEpochs;

    @Option(names = "--distill", defaultValue = "0", paramLabel = "W",
            description = "Knowledge distillation while re-tuning: the targets mix the full model's predicted"
                    + " distribution (weight W) with the gold label (weight 1-W); 0 = gold labels only"
                    + " (default: ${DEFAULT-VALUE}).")
    private double distill;

    @Option(names = "--ffn-rank", defaultValue = "8", paramLabel = "R",
            description = "Rank of the low-rank update of each layer's kept FFN weights trained with the prompt and"
                    + " head when a candidate is re-tuned (added into the skeleton's own FFN matrices at load: no cost"
                    + " at inference); 0 = re-tune the prompt and head only (default: ${DEFAULT-VALUE}).")
    private int ffnRank;

    @Option(names = "--halve-rate",
            description = "Halve a candidate's re-tuning learning rate after each round without a new best, start a"
                    + " warm-started candidate at the rate its warm start ended with, and drop none early before a"
                    + " round at a lowered rate (experimental: better on SST-2 with a sentence validation file, worse"
                    + " on a question-type task and on SST-2's leak-free split, one build each; README).")
    private boolean halveRate;

    @Option(names = "--average-rounds", defaultValue = "3", paramLabel = "N",
            description = "From a candidate's second re-tuning round on, judge and ship it as the mean of its"
                    + " parameters at the end of its last N rounds (weight averaging: less of the rounds' noise, and"
                    + " less luck in its best validation figure); 1 = its best single round (default:"
                    + " ${DEFAULT-VALUE}).")
    private int averageRounds;

    @Option(names = "--learning-rate", defaultValue = "0.01",
            description = "Peak AdamW learning rate (default: ${DEFAULT-VALUE}).")
    private float learningRate;

    @Option(names = "--batch-size", defaultValue = "32", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--weight-decay", defaultValue = "0",
            description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    private float weightDecay;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--max-tokens", defaultValue = "128",
            description = "Sequence budget including the prompt (default: ${DEFAULT-VALUE}).")
    private int maxTokens;

    @Option(names = "--pooling", defaultValue = "MEAN", description = "MEAN or CLS (default: ${DEFAULT-VALUE}).")
    private Pooling pooling;

    @Option(names = "--siamese",
            description = "For a pair task: encode the text and the pair each alone through the skeleton and classify"
                    + " [u, v, |u - v|, u * v] of their pooled vectors, as sentence-embedding models were trained;"
                    + " default: both together as one sequence (cross-encoded). Each text gets the whole token"
                    + " budget; the encoder runs two rows per pair.")
    private boolean siamese;

    @Option(names = "--linear-probe",
            description = "Also train a linear probe (a head on the frozen model's pooled output, no prompt; same data"
                    + " and schedule); prompt tuning must beat it clearly, and the report shows it as a baseline.")
    private boolean linearProbe;

    @Option(names = "--allow-weak",
            description = "Ship even when prompt tuning did not clearly beat the majority label (and the linear probe)."
                    + " Without it such a build writes only a report and exits with " + SkeletonCli.NOT_LEARNED + ".")
    private boolean allowWeak;

    @Option(names = "--time-limit", defaultValue = "30", paramLabel = "MIN",
            description = "Minutes the whole build may take: the search starts no candidate and no re-tuning round"
                    + " that would end later, and ships the fastest candidate within the budget found by then;"
                    + " 0 = no limit (default: ${DEFAULT-VALUE}).")
    private long timeLimitMinutes;

    @Option(names = "--json", description = "Print one summary object on stdout when the build ends.")
    private boolean json;

    @Option(names = "--from-prompt", paramLabel = "FILE",
            description = "Start from this prompt artifact (e.g. prompts/TASK/prompt.avro) instead of prompt tuning: "
                    + "only attribution, localization, re-tuning and evaluation run. It must match the task's labels,"
                    + " input kind, prompt length, prompt depth and pooling.")
    private Path fromPrompt;

    @Option(names = "--root", defaultValue = ".", paramLabel = "DIR",
            description = "Project root for prompts/ and skeletons/ (default: ${DEFAULT-VALUE}).")
    private Path root;

    @Mixin
    private BaseModelOptions baseModel;

    @Override
    public Integer call() {
        if (!SkeletonValidator.TASK_ID.matcher(task).matches()) {
            throw new CliException("task name '" + task + "' must match " + SkeletonValidator.TASK_ID.pattern());
        }
        BuildOptions options;
        try {
            options = new BuildOptions(task, train, dev, columns.spec(), root, promptLength, deepPrompt, maxTokens,
                    pooling, siamese, ffnKeeps, headKeeps, maxDrop, noiseMargin, scope, attribution, igSteps,
                    attributionExamples, maxTrainExamples,
                    new TrainingOptions(epochs, learningRate, batchSize, weightDecay, seed), retuneEpochs, distill,
                    ffnRank, halveRate, averageRounds,
                    linearProbe, allowWeak, fromPrompt, Duration.ofMinutes(timeLimitMinutes), validation);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        ArtifactWriter writer = new ArtifactWriter(root);
        long version = writer.nextVersion(task);
        long started = System.nanoTime();
        Consumer<String> log = message -> {
            err.println("build " + ConsoleProgress.clock((System.nanoTime() - started) / 1e9) + ": " + message);
            err.flush();
        };
        BuildResult r = new SkeletonBuilder(baseModel.load(), new ConsoleProgress(err), log).build(options, version,
                prompt -> {
                    writer.writeCheckpoint(prompt);
                    log.accept("prompt kept in " + writer.checkpointFile(task) + " until the build ends: if it stops,"
                            + " the same command with --from-prompt " + writer.checkpointFile(task)
                            + " skips prompt tuning");
                });
        writer.write(r, commandLine());
        if (json) {
            out.println(Json.line(r.summary()));
        } else if (r.ships()) {
            out.printf(Locale.ROOT, "%s v%d: dev %s prompt %.2f, skeleton %.2f (FFN %.2f, heads %.2f), speed-up %.2fx,"
                    + " %.0f s%n", task, version, r.metric().key(), 100 * r.promptMetrics().dev(),
                    100 * r.shipped().dev(), r.chosen().ffnKeep(), r.chosen().headKeep(), r.speed().median(),
                    r.seconds());
            out.println("wrote " + writer.promptFile(task) + " and " + writer.skeletonFile(task).getParent() + "/");
        }
        out.flush();
        if (!r.ships()) {
            err.println("build: " + task + " NOT SHIPPED: " + r.learning().message() + "; report: "
                    + writer.notShippedReport(task) + " (--allow-weak ships it anyway; --from-prompt "
                    + writer.checkpointFile(task) + " skips prompt tuning)");
            err.flush();
            return SkeletonCli.NOT_LEARNED;
        }
        return SkeletonCli.OK;
    }

    /** The command as typed, for the report (the parse result's original arguments start with "build"). */
    private String commandLine() {
        return "./skeleton " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    }
}
