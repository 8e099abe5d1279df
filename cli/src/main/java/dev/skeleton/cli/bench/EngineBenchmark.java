package dev.skeleton.cli.bench;

import dev.skeleton.avro.InputKind;
import dev.skeleton.avro.InputTemplate;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.graph.Precision;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.runtime.EngineConfig;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import dev.skeleton.engine.text.InputKinds;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Throughput of the prompt on the full model against the same with a deep prompt and against skeletons at
 * several FFN keep ratios, then the
 * resident memory of extra tasks. All variants are synthetic skeletons with the same seed (same prompt and
 * head; speed does not depend on which neurons are kept), loaded once into one engine, as in production.
 *
 * <p>Memory is measured after throughput, so its baseline already holds the base model and the throughput
 * variants; the figure is the marginal cost of one more task in a serving process.
 */
public final class EngineBenchmark {

    private final BaseModel base;
    private final BenchSettings settings;
    private final SentenceSource sentences;
    private final Consumer<String> progress;
    private final List<Precision> precisions;
    private final List<Boolean> packings;
    private final List<InputKind> inputKinds;
    private final double headKeep;

    /**
     * Every variant in each of {@code precisions}, weight {@code packings} (pre-packed or not) and {@code inputKinds}
     * (SINGLE, or the pair kinds PAIR and SIAMESE, which classify pairs of consecutive sentences, never both:
     * {@code BenchCommand} refuses the mix; speed-ups are relative to the first combination's full model); the
     * skeleton variants keep {@code headKeep} of the attention heads.
     */
    public EngineBenchmark(BaseModel base, BenchSettings settings, SentenceSource sentences, List<Precision> precisions,
            List<Boolean> packings, List<InputKind> inputKinds, double headKeep, Consumer<String> progress) {
        this.base = base;
        this.headKeep = headKeep;
        this.precisions = List.copyOf(precisions);
        this.packings = List.copyOf(packings);
        this.inputKinds = List.copyOf(inputKinds);
        this.settings = settings;
        this.sentences = sentences;
        this.progress = progress;
    }

    public BenchReport run() {
        EngineConfig config = EngineConfig.defaults().withThreads(settings.threads());
        List<SkeletonEngine> engines = new ArrayList<>();
        try {
            List<BenchVariant> variants = new ArrayList<>();
            for (boolean prepacked : packings) {
                for (Precision precision : precisions) {
                    SkeletonEngine engine = new SkeletonEngine(base, config.withPrecision(precision)
                            .withPrepackWeights(prepacked));
                    engines.add(engine);
                    variants.addAll(loadVariants(engine));
                }
            }
            SkeletonEngine engine = engines.get(0);
            try {
                BenchInputs inputs = new BenchInputs(sentences, InputKinds.takesPair(inputKinds.get(0)));
                // token counts per input kind: a SIAMESE pair runs two rows where a PAIR runs one
                Map<InputKind, TokenStats> tokens = new EnumMap<>(InputKind.class);
                variants.forEach(v -> tokens.computeIfAbsent(v.input(), kind -> new TokenStats(v.task(), inputs)));
                ThroughputMeter meter = new ThroughputMeter(settings, inputs, progress);
                List<BenchResult> results = new ArrayList<>();
                for (int size : settings.batchSizes()) {
                    Map<InputKind, Double> padded = new EnumMap<>(InputKind.class);
                    tokens.forEach((kind, stats) -> padded.put(kind, stats.meanPaddedTokens(size)));
                    results.addAll(meter.measure(variants, size, v -> padded.get(v.input())));
                }
                progress.accept("memory: loading " + settings.memoryTasks() + " extra tasks at keep "
                        + settings.memoryKeep());
                MemoryResult memory = new MemoryMeter(settings, sentences).measure(engine);
                return new BenchReport(base.name(), settings, sentences.description() + ", "
                        + sentences.sentences().size() + " sentences" + (inputs.pairs() ? ", paired in order" : ""),
                        tokens.get(inputKinds.get(0)).meanTokens(), results, memory);
            } finally {
                variants.forEach(v -> v.task().close());
            }
        } finally {
            engines.forEach(SkeletonEngine::close);
        }
    }

    private List<BenchVariant> loadVariants(SkeletonEngine engine) {
        Precision precision = engine.config().precision();
        boolean prepacked = engine.config().prepackWeights();
        List<BenchVariant> variants = new ArrayList<>();
        for (InputKind input : inputKinds) {
            for (double keep : settings.keeps()) {
                progress.accept("loading " + (keep >= 1 ? "full model" : "skeleton at keep " + keep) + ", "
                        + precision.name().toLowerCase(Locale.ROOT) + (prepacked ? "" : ", weights not pre-packed")
                        + (input == InputKind.SINGLE ? "" : ", " + input.name().toLowerCase(Locale.ROOT) + " input"));
                String id = (keep >= 1 ? "bench-full" : "bench-keep" + Math.round(keep * 100))
                        + (input == InputKind.SINGLE ? "" : "-" + input.name().toLowerCase(Locale.ROOT));
                // the same seed everywhere: identical prompt and head, so only the kept neurons differ
                double heads = keep >= 1 ? 1.0 : headKeep;
                TaskSkeleton skeleton = withInput(SyntheticSkeletons.random(base, id, settings.promptLength(), keep,
                        heads, settings.seed()), input);
                variants.add(new BenchVariant(keep, heads, false, input, precision, prepacked,
                        engine.load(skeleton)));
                if (keep >= 1 && settings.promptLength() > 0 && input == inputKinds.get(0)) {
                    // what a deep prompt costs: the same full model with an offset added before every later layer
                    progress.accept("loading full model with a deep prompt");
                    TaskSkeleton deep = SyntheticSkeletons.withDeepPrompt(TaskSkeleton.newBuilder(skeleton)
                            .setTaskId(id + "-deep").build(), base.weights().layers().size(), settings.seed());
                    variants.add(new BenchVariant(keep, 1.0, true, input, precision, prepacked, engine.load(deep)));
                }
            }
        }
        return variants;
    }

    private TaskSkeleton withInput(TaskSkeleton skeleton, InputKind input) {
        return switch (input) {
            case SINGLE -> skeleton;
            case PAIR -> TaskSkeleton.newBuilder(skeleton)
                    .setInput(InputTemplate.newBuilder(skeleton.getInput()).setKind(InputKind.PAIR).build()).build();
            case SIAMESE -> SyntheticSkeletons.siamese(skeleton, settings.seed());
        };
    }
}
