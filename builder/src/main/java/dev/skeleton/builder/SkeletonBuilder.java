package dev.skeleton.builder;

import ai.djl.ndarray.NDManager;
import dev.skeleton.avro.BaseModelRef;
import dev.skeleton.avro.BuildProvenance;
import dev.skeleton.avro.InputTemplate;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.builder.BuildResult.Metrics;
import dev.skeleton.builder.data.ColumnSpec;
import dev.skeleton.builder.data.DatasetReader;
import dev.skeleton.builder.data.DatasetReader.Dataset;
import dev.skeleton.builder.data.LabeledExample;
import dev.skeleton.builder.data.ValidationSplit;
import dev.skeleton.builder.search.BudgetSearch;
import dev.skeleton.builder.search.Candidate;
import dev.skeleton.builder.search.CandidateResult;
import dev.skeleton.builder.search.CandidateResult.Speed;
import dev.skeleton.builder.search.CandidateSpeeds;
import dev.skeleton.builder.search.CandidateTrainer;
import dev.skeleton.builder.search.CandidateTrainer.SkeletonMaker;
import dev.skeleton.builder.search.LearningCheck;
import dev.skeleton.builder.search.SpeedModel;
import dev.skeleton.builder.search.TimeLimit;
import dev.skeleton.builder.search.ValidationRounds;
import dev.skeleton.builder.torch.TaskParameters;
import dev.skeleton.builder.torch.TorchEncoder;
import dev.skeleton.builder.torch.TorchLayer;
import dev.skeleton.builder.train.Attribution;
import dev.skeleton.builder.train.Evaluation;
import dev.skeleton.builder.train.GlueMetric;
import dev.skeleton.builder.train.PromptTuner;
import dev.skeleton.builder.train.Targets;
import dev.skeleton.builder.train.TrainingListener;
import dev.skeleton.builder.train.TrainingOptions;
import dev.skeleton.engine.graph.Precision;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.runtime.EngineConfig;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.skeleton.Matrices;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import dev.skeleton.engine.skeleton.SkeletonValidator;
import dev.skeleton.engine.text.TaskTokenizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Builds a task skeleton from labeled data, the method of Skeleton (arXiv 2404.11916), and picks its shape by
 * itself: a validation split is held out of the training data; prompt tuning on the frozen base model; a check
 * that the task learned at all ({@link LearningCheck}); attribution of every FFN neuron and attention head, once;
 * the speed of every candidate shape, measured together on the serving engine ({@link CandidateSpeeds}) and ordered
 * by a time model fitted to those timings ({@link SpeedModel}); then the {@link BudgetSearch} re-tunes candidates
 * ({@link CandidateTrainer}) until it finds the fastest whose validation metric is within the accuracy budget of
 * the prompt's. The dev file is evaluated for the report only. Writing the artifacts is {@link ArtifactWriter}'s job.
 */
public final class SkeletonBuilder {

    /** Share of the training data held out for validation, and its bounds in examples. */
    static final double VALIDATION_FRACTION = 0.15;
    static final int VALIDATION_MIN = 8;
    static final int VALIDATION_MAX = 1000;
    /** Training examples per re-tuning round of a candidate: small enough that early stopping acts often. */
    static final int ROUND_EXAMPLES = 2048;
    /**
     * Share of the time limit prompt tuning may take: it runs up to {@code --epochs} epochs and fewer when they
     * would not end within this share, so that the search keeps the larger part of the time (a build given more
     * epochs than fit, or a large data set, would otherwise leave the search too little).
     */
    static final double PROMPT_TIME_SHARE = 0.4;
    /** The prompt artifact's metric that records how many epochs its tuning ran. */
    static final String EPOCHS_METRIC = "epochs";

    private final BaseModel base;
    private final TrainingListener listener;
    private final Consumer<String> log;

    public SkeletonBuilder(BaseModel base, TrainingListener listener, Consumer<String> log) {
        this.base = base;
        this.listener = listener;
        this.log = log;
    }

    public BuildResult build(BuildOptions o, long version) {
        return build(o, version, prompt -> { });
    }

    /**
     * The build; {@code promptTuned} receives the prompt as soon as prompt tuning ends (not when it was given by
     * {@code --from-prompt}), so a caller can keep it: prompt tuning is most of a build's time, and a build that
     * stops later can start from the kept prompt instead of tuning it again.
     */
    public BuildResult build(BuildOptions o, long version, Consumer<TaskSkeleton> promptTuned) {
        long started = System.nanoTime();
        Dataset train = DatasetReader.read(o.train(), o.columns());
        Dataset dev = DatasetReader.read(o.dev(), o.columns().labels().isEmpty()
                ? new ColumnSpec(o.columns().text(), o.columns().pair(), o.columns().label(), train.labels(),
                        o.columns().header())
                : o.columns());
        List<String> labels = train.labels();
        ValidationSplit split = split(o, train);
        GlueMetric metric = GlueMetric.forTask(o.taskId());
        log.accept("task " + o.taskId() + ": " + split.train().size() + " training and " + split.validation().size()
                + " validation examples (" + (o.validation() == null ? "held out of " + train.examples().size()
                        : "from " + o.validation().getFileName()) + "), " + dev.examples().size()
                + " dev examples (reported only), labels " + labels + ", metric " + metric.key()
                + (split.leftOut() == 0 ? "" : "; " + split.leftOut() + " examples left out of training: parts of "
                        + "validation examples"));
        InputTemplate template = InputTemplate.newBuilder()
                .setKind(o.inputKind())
                .setMaxTokens(o.maxTokens())
                .build();
        String splitHash = DataHashes.ofSplit(split.validation());
        SkeletonMaker maker = (params, ffnKept, headsKept) ->
                skeleton(o, version, labels, template, splitHash, params, ffnKept, headsKept);

        TaskSkeleton given = o.fromPrompt() == null ? null : startingPrompt(o, labels, template, splitHash);
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                TorchEncoder encoder = new TorchEncoder(base.weights(), manager);
                TaskTokenizer tokenizer = new TaskTokenizer(base.tokenizerJson(), template, o.promptLength());
                TaskParameters params = given != null ? TaskParameters.of(manager, given)
                        : TaskParameters.initial(manager, base.weights().wordEmbeddings(), o.inputKind(),
                                o.promptLength(), labels.size(), o.training().seed(),
                                o.deepPrompt() ? base.weights().layers().size() : 0);
                SkeletonEngine engine = new SkeletonEngine(base, EngineConfig.defaults())) {
            Run run = new Run(o, split, dev, metric, labels.size(), manager, encoder,
                    new PromptTuner(encoder, tokenizer, o.pooling(), labels.size()), engine, maker,
                    searchTimeLimit(o.timeLimit(), started));
            PromptTuner.Tuned tuned = run.tunePrompt(params, given);
            Evaluation promptValidation = tuned.validation();
            TaskSkeleton prompt = maker.make(params, null, null);
            if (o.fromPrompt() == null) {
                promptTuned.accept(prompt);
            }
            Metrics promptMetrics = new Metrics(promptValidation.value(), run.dev(prompt));
            Metrics probe = o.linearProbe() ? run.linearProbe(tuned.epochs()) : Metrics.NONE;
            LearningCheck learning = LearningCheck.of(metric, labels, split.train(), split.validation(),
                    promptValidation.value(), probe.validation());
            log.accept(learning.message());
            if (!learning.learned() && !o.allowWeak()) {
                return new BuildResult(prompt, null, metric, promptMetrics, Metrics.NONE, probe, learning, null, null,
                        null, List.of(), o.maxDrop(), null, null, tuned, split.train().size(),
                        split.validation().size(), split.leftOut(), dev.examples().size(), secondsSince(started));
            }
            Searched searched = run.search(params, prompt, promptValidation, tuned.epochs());
            CandidateResult shippedRow = searched.candidates().stream()
                    .filter(c -> c.candidate().equals(searched.chosen())).findFirst().orElse(null);
            Speed speed = shippedRow == null ? new Speed(1, 1, 1) : shippedRow.speed();
            Metrics shipped = shippedRow == null ? promptMetrics
                    : new Metrics(shippedRow.validation(), shippedRow.dev());
            TaskSkeleton skeleton = shippedRow == null ? prompt : searched.skeleton();
            SkeletonValidator.validate(skeleton, base);
            BuildResult.Int8 int8 = run.int8(prompt, skeleton);

            double seconds = secondsSince(started);
            String key = metric.key();
            Candidate chosen = searched.chosen();
            Map<String, Double> skeletonMetrics = new HashMap<>(Map.of("dev_" + key, shipped.dev(),
                    "validation_" + key, shipped.validation(), "build_seconds", seconds,
                    "speedup_batch32", speed.median(), "ffn_keep", chosen.ffnKeep(), "head_keep", chosen.headKeep(),
                    "max_drop", o.maxDrop()));
            return new BuildResult(
                    withMetrics(prompt, Map.of("dev_" + key, promptMetrics.dev(), "validation_" + key,
                            promptMetrics.validation(), "build_seconds", seconds, EPOCHS_METRIC,
                            (double) tuned.epochs())),
                    withMetrics(skeleton, skeletonMetrics), metric, promptMetrics, shipped, probe, learning, chosen,
                    speed, int8, searched.candidates(), o.maxDrop(), searched.scores(), searched.validationRounds(),
                    tuned, split.train().size(), split.validation().size(), split.leftOut(),
                    dev.examples().size(), seconds);
        }
    }

    /**
     * When the search has to end: a tenth of the time limit, at most a minute, before it, for what follows the
     * search (each tried candidate's dev evaluation, the int8 evaluation and timing, the artifacts: 17-30 s in
     * builds of 4,000-5,000 training texts here; a book build that searched to its limit ended at 30.2 min).
     */
    static TimeLimit searchTimeLimit(Duration limit, long startNanos) {
        Duration afterSearch = limit.dividedBy(10);
        return TimeLimit.of(limit.minus(afterSearch.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1)
                : afterSearch), startNanos);
    }

    /**
     * What the search found.
     *
     * @param candidates       every candidate, fastest first
     * @param chosen           the shipped shape, {@link Candidate#FULL} when none reached the budget
     * @param skeleton         the chosen candidate's re-tuned skeleton (null when none reached the budget)
     * @param scores           the attribution scores that localized the candidates
     * @param validationRounds every prediction the trials judged on the validation split
     */
    private record Searched(List<CandidateResult> candidates, Candidate chosen, TaskSkeleton skeleton,
            Attribution.Scores scores, ValidationRounds validationRounds) {}

    /** One build's data and machinery, and its phases after the data is read, in order. */
    private final class Run {

        private final BuildOptions o;
        private final List<LabeledExample> examples;
        private final List<LabeledExample> validation;
        private final Dataset dev;
        private final GlueMetric metric;
        private final int labels;
        private final NDManager manager;
        private final TorchEncoder encoder;
        private final PromptTuner tuner;
        private final SkeletonEngine engine;
        private final SkeletonMaker maker;
        private final TimeLimit timeLimit;
        private final List<TorchLayer> full;

        Run(BuildOptions o, ValidationSplit split, Dataset dev, GlueMetric metric, int labels, NDManager manager,
                TorchEncoder encoder, PromptTuner tuner, SkeletonEngine engine, SkeletonMaker maker,
                TimeLimit timeLimit) {
            this.o = o;
            this.examples = split.train();
            this.validation = split.validation();
            this.dev = dev;
            this.metric = metric;
            this.labels = labels;
            this.manager = manager;
            this.encoder = encoder;
            this.tuner = tuner;
            this.engine = engine;
            this.maker = maker;
            this.timeLimit = timeLimit;
            this.full = encoder.layers(null, null);
        }

        /**
         * Prompt tuning on the full model, for at most {@code --epochs} epochs and at most
         * {@link #PROMPT_TIME_SHARE} of the time limit; or the prompt {@code given} to start from, with the epochs
         * its build recorded (0 when it recorded none).
         */
        PromptTuner.Tuned tunePrompt(TaskParameters params, TaskSkeleton given) {
            if (given != null) {
                log.accept("prompt from " + o.fromPrompt() + " (not re-trained)");
                return new PromptTuner.Tuned(tuner.score(params, full, validation, metric),
                        given.getMetrics().getOrDefault(EPOCHS_METRIC, 0.0).intValue(), List.of(), List.of(),
                        PromptTuner.Ending.ALL_EPOCHS);
            }
            double seconds = timeLimit == TimeLimit.NONE ? Double.POSITIVE_INFINITY
                    : PROMPT_TIME_SHARE * o.timeLimit().toSeconds();
            log.accept(String.format(Locale.ROOT, "prompt tuning on the full model: up to %d epochs%s",
                    o.training().epochs(), Double.isInfinite(seconds) ? ""
                            : String.format(Locale.ROOT, ", as many as end within %.1f min (%.0f%% of the time limit)",
                                    seconds / 60, 100 * PROMPT_TIME_SHARE)));
            return tuner.tune("prompt", params, full, examples, validation, metric, o.training(), seconds, listener);
        }

        /**
         * A head on the frozen model's pooled output, no prompt: the baseline prompt tuning must beat, trained for
         * as many epochs as the prompt was (all {@code --epochs} when the prompt was given).
         */
        Metrics linearProbe(int promptEpochs) {
            log.accept("linear probe: a head on the frozen model's pooled output, no prompt");
            TrainingOptions training = promptEpochs > 0 ? o.training().withEpochs(promptEpochs) : o.training();
            try (TaskParameters p = TaskParameters.initial(manager, base.weights().wordEmbeddings(), o.inputKind(), 0,
                    labels, o.training().seed(), 0)) {
                double probeValidation = tuner.train("probe", p, full, examples, validation, metric, training,
                        listener).value();
                return new Metrics(probeValidation, dev(maker.make(p, null, null)));
            }
        }

        /**
         * Attribution, the candidates' speeds, then the {@link BudgetSearch}: the fastest candidate whose
         * validation metric is within the budget of the prompt's.
         */
        Searched search(TaskParameters params, TaskSkeleton prompt, Evaluation promptValidation, int promptEpochs) {
            int scored = Math.min(o.attributionExamples(), examples.size());
            log.accept("attribution (" + o.method() + ") on " + scored + " training examples");
            Attribution.Scores scores = new Attribution(tuner, base.weights()).score(params, full,
                    examples.subList(0, scored), o.method(), o.integrationSteps(), 16);
            if (scores.skipped() > 0) {
                log.accept("attribution: " + scores.skipped() + " of " + scored + " examples left out: a NaN or "
                        + "infinite gradient");
            }
            double target = promptValidation.value() - o.maxDrop() / 100;
            CandidateTrainer trainer = new CandidateTrainer(manager, encoder, tuner, scores, o.scope(), prompt, maker,
                    examples, teacher(params), validation, metric, schedule(promptEpochs), promptValidation, target,
                    o.noiseMargin(), listener);

            Map<Candidate, Speed> speeds = speeds(params, prompt, trainer);
            SpeedModel model = SpeedModel.fit(speeds);
            List<Candidate> fastestFirst;
            if (model == null) {
                log.accept("speed: no linear time model fits these timings; candidates ordered by measured speed-up");
                fastestFirst = speeds.keySet().stream()
                        .sorted(Comparator.comparingDouble((Candidate c) -> -speeds.get(c).median())).toList();
            } else {
                log.accept(String.format(Locale.ROOT, "speed: candidates ordered by the fitted %s (within %.1f%% of "
                        + "every timing)", model, 100 * model.worstResidual(speeds)));
                fastestFirst = model.fastestFirst(speeds);
            }
            log.accept(String.format(Locale.ROOT, "search: the fastest of %d candidates with validation %s >= %.2f "
                    + "(the prompt's %.2f minus %.2f points) by %.1f standard errors of its difference to the prompt%s",
                    speeds.size(), metric.key(), 100 * target, 100 * promptValidation.value(), o.maxDrop(),
                    o.noiseMargin(), timeLimit == TimeLimit.NONE ? ""
                            : String.format(Locale.ROOT, "; %.0f min left of the time limit",
                                    timeLimit.remainingSeconds() / 60)));
            BudgetSearch.Result search = new BudgetSearch(target, log).search(fastestFirst, trainer);

            List<CandidateResult> candidates = new ArrayList<>();
            for (BudgetSearch.Decision d : search.decisions()) {
                boolean tried = d.outcome() != null;
                candidates.add(new CandidateResult(d.candidate(), speeds.get(d.candidate()),
                        model == null ? Double.NaN : model.speedup(d.candidate()), d.status(),
                        tried ? d.outcome().validation() : Double.NaN,
                        tried ? d.outcome().selectionBias() : Double.NaN, tried ? d.outcome().margin() : Double.NaN,
                        tried ? dev(trainer.best(d.candidate())) : Double.NaN,
                        tried ? d.outcome().rounds() : 0, d.warmStart()));
            }
            if (search.chosen() == null) {
                log.accept("no candidate reached the budget: shipping the prompt on the full model (nothing removed)");
                return new Searched(candidates, Candidate.FULL, null, scores, trainer.validationRounds());
            }
            log.accept("chosen: " + search.chosen() + ", the fastest within the budget");
            return new Searched(candidates, search.chosen(), trainer.best(search.chosen()), scores,
                    trainer.validationRounds());
        }

        /** Gold labels, or a mix with the full model's predictions when distilling. */
        private Targets teacher(TaskParameters params) {
            if (o.distill() == 0) {
                return Targets.GOLD;
            }
            log.accept("teacher: the full model's predictions on the " + examples.size() + " training examples"
                    + " (distillation weight " + o.distill() + ")");
            return Targets.distilled(examples, tuner.probabilities(params, full, examples), (float) o.distill());
        }

        /** Rounds of {@link #ROUND_EXAMPLES}; at most {@link BuildOptions#retuneEpochs(int)} epochs' worth each. */
        private CandidateTrainer.Schedule schedule(int promptEpochs) {
            int epochs = o.retuneEpochs(promptEpochs);
            log.accept("re-tuning: at most " + epochs + " epochs per candidate" + (o.retuneEpochs() > 0 ? ""
                    : " (as many as the prompt's tuning ran, at least " + BuildOptions.MIN_RETUNE_EPOCHS + ")"));
            int maxRounds = Math.max(1, (int) Math.ceil((double) epochs * examples.size()
                    / Math.min(ROUND_EXAMPLES, examples.size())));
            return new CandidateTrainer.Schedule(o.training(), ROUND_EXAMPLES, maxRounds, timeLimit, o.ffnRank(),
                    o.halveRate(), o.averageRounds());
        }

        /** Every candidate of the grid (the full model excepted), timed against the prompt on the serving engine. */
        private Map<Candidate, Speed> speeds(TaskParameters params, TaskSkeleton prompt, CandidateTrainer trainer) {
            Map<Candidate, TaskSkeleton> shapes = new LinkedHashMap<>();
            for (double f : o.ffnKeeps()) {
                for (double h : o.headKeeps()) {
                    Candidate c = new Candidate(f, h);
                    if (!c.equals(Candidate.FULL)) {
                        shapes.put(c, maker.make(params, trainer.ffnKept(c), trainer.headsKept(c)));
                    }
                }
            }
            log.accept("speed of " + shapes.size() + " candidates against the full model (batch "
                    + CandidateSpeeds.BATCH + ", " + CandidateSpeeds.REPETITIONS + " interleaved repetitions)");
            return CandidateSpeeds.measure(engine, prompt, shapes,
                    validation.stream().map(LabeledExample::input).toList());
        }

        /**
         * The shipped skeleton as an int8 engine serves it ({@code engine.precision=int8}): its metric on both
         * splits, and its speed-up over the fp32 prompt on the full model. Reported, not chosen on.
         */
        BuildResult.Int8 int8(TaskSkeleton prompt, TaskSkeleton skeleton) {
            log.accept("int8: the shipped skeleton with int8 weights, its metrics and speed");
            try (SkeletonEngine int8Engine = new SkeletonEngine(base, engine.config().withPrecision(Precision.INT8))) {
                Metrics metrics = new Metrics(SkeletonEvaluator.evaluate(int8Engine, skeleton, validation, metric),
                        SkeletonEvaluator.evaluate(int8Engine, skeleton, dev.examples(), metric));
                return new BuildResult.Int8(metrics, CandidateSpeeds.measureOn(engine, prompt, int8Engine, skeleton,
                        validation.stream().map(LabeledExample::input).toList()));
            }
        }

        /** The metric on the dev file, on the serving engine: reported, never used to choose. */
        double dev(TaskSkeleton skeleton) {
            return SkeletonEvaluator.evaluate(engine, skeleton, dev.examples(), metric);
        }
    }

    private static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * The prompt artifact named by {@code --from-prompt}, after checking that it fits this build: a prompt on
     * the full model for the same base model, labels, input kind, pooling, prompt length and depth, tuned with the
     * same validation split held out. A prompt tuned on another split may have trained on this build's validation
     * examples, which would flatter every choice made on them (a prompt made before the leak-free split scored 94.8
     * on genre's new validation split, against 93.5 for a prompt tuned without it, 2026-12-06).
     */
    private TaskSkeleton startingPrompt(BuildOptions o, List<String> labels, InputTemplate template,
            String splitHash) {
        TaskSkeleton p = SkeletonFiles.read(o.fromPrompt());
        List<String> problems = new ArrayList<>(SkeletonValidator.problems(p, base));
        if (p.getFfnKept() != null || p.getHeadsKept() != null) {
            problems.add("it is a skeleton (neurons or heads removed), not a prompt on the full model");
        }
        if (!p.getLabels().equals(labels)) {
            problems.add("labels " + p.getLabels() + " differ from the data's " + labels);
        }
        if (p.getInput().getKind() != template.getKind()) {
            problems.add("input kind " + p.getInput().getKind() + " differs from this build's " + template.getKind());
        }
        if (p.getPooling() != o.pooling()) {
            problems.add("pooling " + p.getPooling() + " differs from this build's " + o.pooling());
        }
        if (p.getPrompt().getRows() != o.promptLength()) {
            problems.add("prompt length " + p.getPrompt().getRows()
                    + " differs from --prompt-length " + o.promptLength());
        }
        if (p.getLayerPrompts().isEmpty() == o.deepPrompt()) {
            problems.add(o.deepPrompt() ? "its prompt is not deep, but this build's is (add --no-deep-prompt)"
                    : "its prompt is deep, but this build's is not (--no-deep-prompt)");
        }
        String tunedOn = p.getProvenance().getDataHashes().get(DataHashes.VALIDATION_SPLIT);
        if (tunedOn == null) {
            log.accept("cannot check that " + o.fromPrompt() + " was tuned with this build's validation split held "
                    + "out: it was made before builds recorded their split");
        } else if (!tunedOn.equals(splitHash)) {
            problems.add("it was tuned with another validation split held out (" + tunedOn + ", this build's is "
                    + splitHash + "), so it may have trained on this build's validation examples: use the --train, "
                    + "--validation, --max-train-examples and --seed it was tuned with, or tune a new prompt");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot start from " + o.fromPrompt() + ": " +
                    String.join("; ", problems));
        }
        return p;
    }

    private TaskSkeleton skeleton(BuildOptions o, long version, List<String> labels, InputTemplate template,
            String splitHash, TaskParameters params, List<List<Integer>> ffnKept, List<List<Integer>> headsKept) {
        Map<String, String> dataHashes = o.validation() == null ? DataHashes.of(o.train(), o.dev())
                : DataHashes.of(o.train(), o.dev(), o.validation());
        dataHashes.put(DataHashes.VALIDATION_SPLIT, splitHash);
        return TaskSkeleton.newBuilder()
                .setTaskId(o.taskId())
                .setVersion(version)
                .setBaseModel(new BaseModelRef(base.fingerprint(), base.name()))
                .setLabels(labels)
                .setInput(template)
                .setPooling(o.pooling())
                .setPrompt(Matrices.toAvro(params.promptTensor()))
                .setLayerPrompts(params.layerPromptMatrices())
                .setFfnKept(ffnKept)
                .setHeadsKept(headsKept)
                .setFfnDeltas(params.ffnDeltas())
                .setHead(params.head())
                .setProvenance(BuildProvenance.newBuilder()
                        .setCreatedAtMillis(System.currentTimeMillis())
                        .setTool("skeleton-builder " + version())
                        .setSeed(o.training().seed())
                        .setOptions(o.asMap())
                        .setDataHashes(dataHashes)
                        .build())
                .build();
    }

    private static TaskSkeleton withMetrics(TaskSkeleton s, Map<String, Double> metrics) {
        return TaskSkeleton.newBuilder(s).setMetrics(new HashMap<>(metrics)).build();
    }

    /**
     * The training and validation examples: a split held out of the (sampled) training data, or all of it with the
     * given validation file, which must not hold the same data as the dev file.
     */
    private static ValidationSplit split(BuildOptions o, Dataset train) {
        if (o.validation() == null) {
            return ValidationSplit.of(train.examples(), o.maxTrainExamples(), VALIDATION_FRACTION, VALIDATION_MIN,
                    VALIDATION_MAX, o.training().seed());
        }
        List<LabeledExample> sampled = sample(train.examples(), o.maxTrainExamples(), o.training().seed());
        if (DataHashes.sha256(o.validation()).equals(DataHashes.sha256(o.dev()))) {
            throw new IllegalArgumentException("the validation file " + o.validation() + " holds the same data as the "
                    + "dev file " + o.dev() + ": choices made on it would make the dev figures meaningless");
        }
        List<LabeledExample> shuffled = new ArrayList<>(sampled);
        Collections.shuffle(shuffled, new Random(o.training().seed()));
        ColumnSpec c = o.columns();
        List<LabeledExample> validation = DatasetReader.read(o.validation(), c.labels().isEmpty()
                ? new ColumnSpec(c.text(), c.pair(), c.label(), train.labels(), c.header()) : c).examples();
        return new ValidationSplit(shuffled, validation);
    }

    /** A seeded sample of {@code max} examples (all when max is 0 or larger than the set), in sampled order. */
    static List<LabeledExample> sample(List<LabeledExample> all, int max, long seed) {
        if (max == 0 || max >= all.size()) {
            return all;
        }
        List<LabeledExample> copy = new ArrayList<>(all);
        Collections.shuffle(copy, new Random(seed));
        return List.copyOf(copy.subList(0, max));
    }

    private static String version() {
        String v = SkeletonBuilder.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
