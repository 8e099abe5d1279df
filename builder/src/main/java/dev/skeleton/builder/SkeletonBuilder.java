package dev.skeleton.builder;

import ai.djl.ndarray.NDManager;
import dev.skeleton.avro.BaseModelRef;
import dev.skeleton.avro.BuildProvenance;
import dev.skeleton.avro.InputKind;
import dev.skeleton.avro.InputTemplate;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.builder.data.DatasetReader;
import dev.skeleton.builder.data.DatasetReader.Dataset;
import dev.skeleton.builder.data.LabeledExample;
import dev.skeleton.builder.torch.TaskParameters;
import dev.skeleton.builder.torch.TorchEncoder;
import dev.skeleton.builder.torch.TorchLayer;
import dev.skeleton.builder.train.Attribution;
import dev.skeleton.builder.train.GlueMetric;
import dev.skeleton.builder.train.Localization;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Builds a task skeleton from labeled data, the method of Skeleton (arXiv 2404.11916): prompt tuning on the
 * frozen base model, attribution of every FFN neuron and attention head, localization (keep the top
 * ones), re-tuning of prompt and head on the skeleton, and evaluation of both on the serving engine.
 * Writing the artifacts is {@link ArtifactWriter}'s job.
 */
public final class SkeletonBuilder {

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
                ? new dev.skeleton.builder.data.ColumnSpec(o.columns().text(), o.columns().pair(), o.columns().label(),
                        train.labels(), o.columns().header())
                : o.columns());
        List<LabeledExample> examples = sample(train.examples(), o.maxTrainExamples(), o.training().seed());
        List<String> labels = train.labels();
        GlueMetric metric = GlueMetric.forTask(o.taskId());
        log.accept("task " + o.taskId() + ": " + examples.size() + " training examples (of " + train.examples().size()
                + "), " + dev.examples().size() + " dev examples, labels " + labels + ", metric " + metric.key());
        InputTemplate template = InputTemplate.newBuilder()
                .setKind(o.columns().pair() == null ? InputKind.SINGLE : InputKind.PAIR)
                .setMaxTokens(o.maxTokens())
                .build();

        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                TorchEncoder encoder = new TorchEncoder(base.weights(), manager);
                TaskTokenizer tokenizer = new TaskTokenizer(base.tokenizerJson(), template, o.promptLength());
                TaskParameters params = o.fromPrompt() != null
                        ? TaskParameters.of(manager, startingPrompt(o, labels, template))
                        : TaskParameters.initial(manager, base.weights().wordEmbeddings(), o.promptLength(),
                                labels.size(), o.training().seed(), o.deepPrompt() ? base.weights().layers().size() : 0)) {
            PromptTuner tuner = new PromptTuner(encoder, tokenizer, o.pooling(), labels.size());
            List<TorchLayer> full = encoder.layers(null, null);

            if (o.fromPrompt() != null) {
                log.accept("1/4 prompt from " + o.fromPrompt() + " (not re-trained)");
            } else {
                log.accept("1/4 prompt tuning on the full model");
                tuner.train("prompt", params, full, examples, dev.examples(), metric, o.training(), listener);
            }
            TaskSkeleton prompt = skeleton(o, version, labels, template, params, null, null);

            log.accept("2/4 attribution (" + o.method() + ") on " + Math.min(o.attributionExamples(), examples.size())
                    + " examples");
            Attribution.Scores scores = new Attribution(tuner, base.weights()).score(params, full,
                    examples.subList(0, Math.min(o.attributionExamples(), examples.size())), o.method(),
                    o.integrationSteps(), 16);
            List<List<Integer>> ffnKept = o.ffnKeep() >= 1 ? null : Localization.select(scores.ffn(), o.ffnKeep(), o.scope(), 1);
            List<List<Integer>> headsKept = o.headKeep() >= 1 ? null
                    : Localization.select(scores.heads(), o.headKeep(), o.scope(), 1);

            Targets targets = Targets.GOLD;
            if (o.distill() > 0) {
                log.accept("teacher: the full model's predictions on the " + examples.size() + " training examples"
                        + " (distillation weight " + o.distill() + ")");
                targets = Targets.distilled(examples, tuner.probabilities(params, full, examples), (float) o.distill());
            }
            log.accept("3/4 re-tuning prompt and head on the skeleton (keep " + o.ffnKeep() + " of FFN neurons, "
                    + o.headKeep() + " of heads)");
            if (o.retuneEpochs() > 0) {
                tuner.train("retune", params, encoder.layers(headsKept, ffnKept), examples, targets, dev.examples(),
                        metric, o.training().withEpochs(o.retuneEpochs()), listener);
            }
            TaskSkeleton skeleton = skeleton(o, version, labels, template, params, ffnKept, headsKept);
            SkeletonValidator.validate(skeleton, base);

            log.accept("4/4 evaluation on the serving engine (ONNX Runtime)");
            try (SkeletonEngine engine = new SkeletonEngine(base, EngineConfig.defaults())) {
                double promptMetric = SkeletonEvaluator.evaluate(engine, prompt, dev.examples(), metric);
                double skeletonMetric = SkeletonEvaluator.evaluate(engine, skeleton, dev.examples(), metric);
                double speedup = SpeedProbe.speedup(engine, prompt, skeleton, dev.examples());
                List<SweepPoint> sweep = new ArrayList<>();
                for (double keep : o.sweep()) {
                    log.accept("sweep: keep " + keep);
                    List<List<Integer>> kept = keep >= 1 ? null : Localization.select(scores.ffn(), keep, o.scope(), 1);
                    try (TaskParameters copy = TaskParameters.of(manager, prompt)) {
                        if (o.sweepRetuneEpochs() > 0) {
                            tuner.train("sweep", copy, encoder.layers(headsKept, kept), examples, targets, List.of(),
                                    metric, o.training().withEpochs(o.sweepRetuneEpochs()), listener);
                        }
                        TaskSkeleton point = skeleton(o, version, labels, template, copy, kept, headsKept);
                        sweep.add(new SweepPoint(keep, SkeletonEvaluator.evaluate(engine, point, dev.examples(), metric),
                                SpeedProbe.speedup(engine, prompt, point, dev.examples())));
                    }
                }
                double probeMetric = Double.NaN;
                if (o.linearProbe()) {
                    log.accept("linear probe: a head on the frozen model's pooled output, no prompt");
                    try (TaskParameters probe = TaskParameters.initial(manager, base.weights().wordEmbeddings(), 0,
                            labels.size(), o.training().seed(), 0)) {
                        tuner.train("probe", probe, full, examples, List.of(), metric, o.training(), listener);
                        probeMetric = SkeletonEvaluator.evaluate(engine,
                                skeleton(o, version, labels, template, probe, null, null), dev.examples(), metric);
                    }
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                Map<String, Double> promptMetrics = Map.of("dev_" + metric.key(), promptMetric, "build_seconds", seconds);
                Map<String, Double> skeletonMetrics = Map.of("dev_" + metric.key(), skeletonMetric,
                        "build_seconds", seconds, "speedup_batch32", speedup, "ffn_keep", o.ffnKeep(),
                        "head_keep", o.headKeep());
                return new BuildResult(withMetrics(prompt, promptMetrics), withMetrics(skeleton, skeletonMetrics), metric,
                        promptMetric, skeletonMetric, speedup, scores, sweep, probeMetric, examples.size(), dev.examples().size(),
                        seconds);
            }
        }
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
