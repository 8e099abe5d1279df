package dev.skeleton.cli.bench;

import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.graph.Precision;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.runtime.EngineConfig;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    private final double headKeep;

    /**
     * Every variant in each of {@code precisions} and weight {@code packings} (pre-packed or not; speed-ups are
     * relative to the first combination's full model); the skeleton variants keep {@code headKeep} of the attention
     * heads.
     */
    public EngineBenchmark(BaseModel base, BenchSettings settings, SentenceSource sentences, List<Precision> precisions,
            List<Boolean> packings, double headKeep, Consumer<String> progress) {
        this.base = base;
        this.headKeep = headKeep;
        this.precisions = List.copyOf(precisions);
        this.packings = List.copyOf(packings);
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
                TokenStats tokens = new TokenStats(variants.get(0).task(), sentences);
                ThroughputMeter meter = new ThroughputMeter(settings, sentences, progress);
                List<BenchResult> results = new ArrayList<>();
                for (int size : settings.batchSizes()) {
                    results.addAll(meter.measure(variants, size, tokens.meanPaddedTokens(size)));
                }
                progress.accept("memory: loading " + settings.memoryTasks() + " extra tasks at keep "
                        + settings.memoryKeep());
                MemoryResult memory = new MemoryMeter(settings, sentences).measure(engine);
                return new BenchReport(base.name(), settings, sentences.description() + ", "
                        + sentences.sentences().size() + " sentences", tokens.meanTokens(), results, memory);
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
        for (double keep : settings.keeps()) {
            progress.accept("loading " + (keep >= 1 ? "full model" : "skeleton at keep " + keep) + ", "
                    + precision.name().toLowerCase(Locale.ROOT) + (prepacked ? "" : ", weights not pre-packed"));
            String id = keep >= 1 ? "bench-full" : "bench-keep" + Math.round(keep * 100);
            // the same seed everywhere: identical prompt and head, so only the kept neurons differ
            double heads = keep >= 1 ? 1.0 : headKeep;
            TaskSkeleton skeleton = SyntheticSkeletons.random(base, id, settings.promptLength(), keep, heads,
                    settings.seed());
            variants.add(new BenchVariant(keep, heads, false, precision, prepacked, engine.load(skeleton)));
            if (keep >= 1 && settings.promptLength() > 0) {
                // what a deep prompt costs: the same full model with an offset added before every later layer
                progress.accept("loading full model with a deep prompt");
                TaskSkeleton deep = SyntheticSkeletons.withDeepPrompt(TaskSkeleton.newBuilder(skeleton)
                        .setTaskId("bench-deep").build(), base.weights().layers().size(), settings.seed());
                variants.add(new BenchVariant(keep, 1.0, true, precision, prepacked, engine.load(deep)));
            }
        }
        return variants;
    }
}
