package dev.skeleton.builder;

import ai.djl.ndarray.NDManager;
import dev.skeleton.avro.BaseModelRef;
import dev.skeleton.avro.BuildProvenance;
import dev.skeleton.avro.InputKind;
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
import dev.skeleton.builder.torch.TaskParameters;
import dev.skeleton.builder.torch.TorchEncoder;
import dev.skeleton.builder.torch.TorchLayer;
import dev.skeleton.builder.train.Attribution;
import dev.skeleton.builder.train.GlueMetric;
import dev.skeleton.builder.train.PromptTuner;
import dev.skeleton.builder.train.Targets;
import dev.skeleton.builder.train.TrainingListener;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.runtime.EngineConfig;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.skeleton.Matrices;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import dev.skeleton.engine.skeleton.SkeletonValidator;
import dev.skeleton.engine.text.TaskTokenizer;
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
 * the speed of every candidate shape, measured together on the serving engine ({@link CandidateSpeeds}); then the
 * {@link BudgetSearch} re-tunes candidates ({@link CandidateTrainer}) until it finds the fastest whose validation
 * metric is within the accuracy budget of the prompt's. The dev file is evaluated for the report only. Writing
 * the artifacts is {@link ArtifactWriter}'s job.
 */
public final class SkeletonBuilder {

    /** Share of the training data held out for validation, and its bounds in examples. */
    static final double VALIDATION_FRACTION = 0.15;
    static final int VALIDATION_MIN = 8;
    static final int VALIDATION_MAX = 1000;
    /** Training examples per re-tuning round of a candidate: small enough that early stopping acts often. */
    static final int ROUND_EXAMPLES = 2048;

    private final BaseModel base;
    private final TrainingListener listener;
    private final Consumer<String> log;

    public SkeletonBuilder(BaseModel base, TrainingListener listener, Consumer<String> log) {
        this.base = base;
        this.listener = listener;
        this.log = log;
    }

    public BuildResult build(BuildOptions o, long version) {
        long started = System.nanoTime();
        Dataset train = DatasetReader.read(o.train(), o.columns());
        Dataset dev = DatasetReader.read(o.dev(), o.columns().labels().isEmpty()
                ? new ColumnSpec(o.columns().text(), o.columns().pair(), o.columns().label(), train.labels(),
                        o.columns().header())
                : o.columns());
        List<String> labels = train.labels();
        ValidationSplit split = ValidationSplit.of(sample(train.examples(), o.maxTrainExamples(), o.training().seed()),
                VALIDATION_FRACTION, VALIDATION_MIN, VALIDATION_MAX, o.training().seed());
        List<LabeledExample> examples = split.train();
        List<LabeledExample> validation = split.validation();
        GlueMetric metric = GlueMetric.forTask(o.taskId());
        log.accept("task " + o.taskId() + ": " + examples.size() + " training and " + validation.size()
                + " validation examples (held out of " + train.examples().size() + "), " + dev.examples().size()
                + " dev examples (reported only), labels " + labels + ", metric " + metric.key());
        InputTemplate template = InputTemplate.newBuilder()
                .setKind(o.columns().pair() == null ? InputKind.SINGLE : InputKind.PAIR)
                .setMaxTokens(o.maxTokens())
                .build();
        SkeletonMaker maker = (params, ffnKept, headsKept) ->
                skeleton(o, version, labels, template, params, ffnKept, headsKept);

        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                TorchEncoder encoder = new TorchEncoder(base.weights(), manager);
                TaskTokenizer tokenizer = new TaskTokenizer(base.tokenizerJson(), template, o.promptLength());
                TaskParameters params = o.fromPrompt() != null
                        ? TaskParameters.of(manager, startingPrompt(o, labels, template))
                        : TaskParameters.initial(manager, base.weights().wordEmbeddings(), o.promptLength(),
                                labels.size(), o.training().seed(), o.deepPrompt() ? base.weights().layers().size() : 0);
                SkeletonEngine engine = new SkeletonEngine(base, EngineConfig.defaults())) {
            PromptTuner tuner = new PromptTuner(encoder, tokenizer, o.pooling(), labels.size());
            List<TorchLayer> full = encoder.layers(null, null);
            double promptValidation;
            if (o.fromPrompt() != null) {
                log.accept("prompt from " + o.fromPrompt() + " (not re-trained)");
                promptValidation = tuner.evaluate(params, full, validation, metric);
            } else {
                log.accept("prompt tuning on the full model");
                promptValidation = tuner.train("prompt", params, full, examples, validation, metric, o.training(),
                        listener);
            }
            TaskSkeleton prompt = maker.make(params, null, null);
            Metrics promptMetrics = new Metrics(promptValidation, evaluate(engine, prompt, dev, metric));

            Metrics probe = Metrics.NONE;
            if (o.linearProbe()) {
                log.accept("linear probe: a head on the frozen model's pooled output, no prompt");
                try (TaskParameters p = TaskParameters.initial(manager, base.weights().wordEmbeddings(), 0, labels.size(),
                        o.training().seed(), 0)) {
                    double probeValidation = tuner.train("probe", p, full, examples, validation, metric, o.training(),
                            listener);
                    probe = new Metrics(probeValidation, evaluate(engine, maker.make(p, null, null), dev, metric));
                }
            }
            LearningCheck learning = LearningCheck.of(metric, labels, examples, validation, promptValidation,
                    probe.validation());
            log.accept(learning.message());
            if (!learning.learned() && !o.allowWeak()) {
                return new BuildResult(prompt, null, metric, promptMetrics, Metrics.NONE, probe, learning, null, null,
                        List.of(), o.maxDrop(), null, examples.size(), validation.size(), dev.examples().size(),
                        secondsSince(started));
            }

            int scored = Math.min(o.attributionExamples(), examples.size());
            log.accept("attribution (" + o.method() + ") on " + scored + " training examples");
            Attribution.Scores scores = new Attribution(tuner, base.weights()).score(params, full,
                    examples.subList(0, scored), o.method(), o.integrationSteps(), 16);

            Targets targets = Targets.GOLD;
            if (o.distill() > 0) {
                log.accept("teacher: the full model's predictions on the " + examples.size() + " training examples"
                        + " (distillation weight " + o.distill() + ")");
                targets = Targets.distilled(examples, tuner.probabilities(params, full, examples), (float) o.distill());
            }
            double target = promptValidation - o.maxDrop() / 100;
            int maxRounds = Math.max(1, (int) Math.ceil((double) o.retuneEpochs() * examples.size()
                    / Math.min(ROUND_EXAMPLES, examples.size())));
            CandidateTrainer trainer = new CandidateTrainer(manager, encoder, tuner, scores, o.scope(), prompt, maker,
                    examples, targets, validation, metric, new CandidateTrainer.Schedule(o.training(), ROUND_EXAMPLES,
                            maxRounds), target, listener);

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
            Map<Candidate, Speed> speeds = CandidateSpeeds.measure(engine, prompt, shapes,
                    validation.stream().map(LabeledExample::input).toList());
            List<Candidate> fastestFirst = speeds.keySet().stream()
                    .sorted(Comparator.comparingDouble((Candidate c) -> -speeds.get(c).median())).toList();

            log.accept(String.format(Locale.ROOT, "search: the fastest of %d candidates with validation %s >= %.2f "
                    + "(the prompt's %.2f minus %.2f points)", shapes.size(), metric.key(), 100 * target,
                    100 * promptValidation, o.maxDrop()));
            BudgetSearch.Result search = new BudgetSearch(target, log).search(fastestFirst, trainer);

            List<CandidateResult> candidates = new ArrayList<>();
            for (BudgetSearch.Decision d : search.decisions()) {
                boolean tried = d.outcome() != null;
                candidates.add(new CandidateResult(d.candidate(), speeds.get(d.candidate()), d.status(),
                        tried ? d.outcome().validation() : Double.NaN,
                        tried ? evaluate(engine, trainer.best(d.candidate()), dev, metric) : Double.NaN,
                        tried ? d.outcome().rounds() : 0, d.warmStart()));
            }
            Candidate chosen = search.chosen() == null ? Candidate.FULL : search.chosen();
            CandidateResult shippedRow = candidates.stream().filter(c -> c.candidate().equals(chosen)).findFirst()
                    .orElse(null);
            Speed speed = shippedRow == null ? new Speed(1, 1, 1) : shippedRow.speed();
            Metrics shipped = shippedRow == null ? promptMetrics
                    : new Metrics(shippedRow.validation(), shippedRow.dev());
            TaskSkeleton skeleton = shippedRow == null ? prompt : trainer.best(chosen);
            SkeletonValidator.validate(skeleton, base);
            log.accept(search.chosen() == null
                    ? "no candidate reached the budget: shipping the prompt on the full model (nothing removed)"
                    : "chosen: " + chosen + ", the fastest within the budget");

            double seconds = secondsSince(started);
            String key = metric.key();
            Map<String, Double> skeletonMetrics = new HashMap<>(Map.of("dev_" + key, shipped.dev(),
                    "validation_" + key, shipped.validation(), "build_seconds", seconds,
                    "speedup_batch32", speed.median(), "ffn_keep", chosen.ffnKeep(), "head_keep", chosen.headKeep(),
                    "max_drop", o.maxDrop()));
            return new BuildResult(
                    withMetrics(prompt, Map.of("dev_" + key, promptMetrics.dev(), "validation_" + key,
                            promptMetrics.validation(), "build_seconds", seconds)),
                    withMetrics(skeleton, skeletonMetrics), metric, promptMetrics, shipped, probe, learning, chosen,
                    speed, candidates, o.maxDrop(), scores, examples.size(), validation.size(), dev.examples().size(),
                    seconds);
        }
    }

    private static double evaluate(SkeletonEngine engine, TaskSkeleton skeleton, Dataset dev, GlueMetric metric) {
        return SkeletonEvaluator.evaluate(engine, skeleton, dev.examples(), metric);
    }

    private static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * The prompt artifact named by {@code --from-prompt}, after checking that it fits this build: a prompt on
     * the full model for the same base model, labels, input kind, pooling, prompt length and depth.
     */
    private TaskSkeleton startingPrompt(BuildOptions o, List<String> labels, InputTemplate template) {
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
            problems.add("prompt length " + p.getPrompt().getRows() + " differs from --prompt-length " + o.promptLength());
        }
        if (p.getLayerPrompts().isEmpty() == o.deepPrompt()) {
            problems.add(o.deepPrompt() ? "its prompt is not deep, but --deep-prompt is set"
                    : "its prompt is deep, but --deep-prompt is not set");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot start from " + o.fromPrompt() + ": " + String.join("; ", problems));
        }
        return p;
    }

    private TaskSkeleton skeleton(BuildOptions o, long version, List<String> labels, InputTemplate template,
            TaskParameters params, List<List<Integer>> ffnKept, List<List<Integer>> headsKept) {
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
                .setHead(params.head())
                .setProvenance(BuildProvenance.newBuilder()
                        .setCreatedAtMillis(System.currentTimeMillis())
                        .setTool("skeleton-builder " + version())
                        .setSeed(o.training().seed())
                        .setOptions(o.asMap())
                        .setDataHashes(DataHashes.of(o.train(), o.dev()))
                        .build())
                .build();
    }

    private static TaskSkeleton withMetrics(TaskSkeleton s, Map<String, Double> metrics) {
        return TaskSkeleton.newBuilder(s).setMetrics(new HashMap<>(metrics)).build();
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
