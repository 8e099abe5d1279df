package dev.skeleton.cli.bench;

import dev.skeleton.engine.runtime.InterleavedTimer;
import dev.skeleton.engine.runtime.SpeedStats;
import dev.skeleton.engine.runtime.TaskModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/** Times every variant at one batch size with the engine's {@link InterleavedTimer} and makes the report's rows. */
final class ThroughputMeter {

    private final BenchSettings settings;
    private final BenchInputs inputs;
    private final Consumer<String> progress;

    ThroughputMeter(BenchSettings settings, BenchInputs inputs, Consumer<String> progress) {
        this.settings = settings;
        this.inputs = inputs;
        this.progress = progress;
    }

    /** Rows for {@code variants} (the first full model first) at batch size {@code size}. */
    List<BenchResult> measure(List<BenchVariant> variants, int size, ToDoubleFunction<BenchVariant> paddedTokens) {
        progress.accept("batch " + size + ": " + settings.reps() + " reps of about " + settings.targetSeconds()
                + " s per variant");
        List<TaskModel> tasks = variants.stream().map(BenchVariant::task).toList();
        InterleavedTimer.Timings timings = new InterleavedTimer(settings.reps(), settings.targetSeconds(),
                settings.warmupBatches()).measure(tasks, size,
                        index -> inputs.batch(index, size));
        List<BenchResult> rows = new ArrayList<>();
        for (int v = 0; v < variants.size(); v++) {
            double[] seqPerSecond = timings.seqPerSecond()[v];
            BenchVariant variant = variants.get(v);
            rows.add(new BenchResult(variant.name(), variant.input().name().toLowerCase(Locale.ROOT),
                    variant.precision().name().toLowerCase(Locale.ROOT),
                    variant.prepacked(), variant.keep(), variant.headKeep(), size, SpeedStats.median(seqPerSecond),
                    SpeedStats.min(seqPerSecond), SpeedStats.max(seqPerSecond), timings.pairedSpeedup(v, 0),
                    timings.batchesPerTiming(), paddedTokens.applyAsDouble(variant)));
        }
        return rows;
    }
}
