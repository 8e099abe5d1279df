package dev.skeleton.cli.bench;

import dev.skeleton.engine.text.TextInput;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Times every variant at one batch size. Variants are interleaved within each repetition (and the order
 * rotates), so a slow phase of a noisy machine hits all of them rather than one; every variant of a
 * repetition classifies the same batches, so sequence lengths are equal too.
 */
final class ThroughputMeter {

    private final BenchSettings settings;
    private final SentenceSource sentences;
    private final Consumer<String> progress;

    ThroughputMeter(BenchSettings settings, SentenceSource sentences, Consumer<String> progress) {
        this.settings = settings;
        this.sentences = sentences;
        this.progress = progress;
    }

    /** Rows for {@code variants} (the full model first) at batch size {@code size}. */
    List<BenchResult> measure(List<BenchVariant> variants, int size, double paddedTokens) {
        long cursor = 0;
        // warm-up: one untimed batch for this shape, then timed ones that size the repetitions
        double secondsPerBatch = 0;
        for (BenchVariant v : variants) {
            run(v, cursor, 1, size);
            secondsPerBatch += run(v, cursor + 1, settings.warmupBatches(), size) / 1e9 / settings.warmupBatches();
        }
        cursor += 1 + settings.warmupBatches();
        int batches = BenchStats.batchesFor(settings.targetSeconds(), secondsPerBatch / variants.size());
        progress.accept("batch " + size + ": " + settings.reps() + " reps x " + batches + " batches per variant");

        double[][] seqPerSecond = new double[variants.size()][settings.reps()];
        for (int rep = 0; rep < settings.reps(); rep++) {
            for (int j = 0; j < variants.size(); j++) {
                int v = (rep + j) % variants.size();
                long nanos = run(variants.get(v), cursor, batches, size);
                seqPerSecond[v][rep] = BenchStats.seqPerSecond((long) batches * size, nanos);
            }
            cursor += batches;
        }

        List<BenchResult> rows = new ArrayList<>();
        for (int v = 0; v < variants.size(); v++) {
            double median = BenchStats.median(seqPerSecond[v]);
            rows.add(new BenchResult(variants.get(v).name(), variants.get(v).keep(), size, median,
                    BenchStats.min(seqPerSecond[v]), BenchStats.max(seqPerSecond[v]),
                    BenchStats.pairedSpeedup(seqPerSecond[v], seqPerSecond[0]), batches, paddedTokens));
        }
        return rows;
    }

    /** Nanoseconds to classify {@code count} consecutive batches starting at batch {@code first}. */
    private long run(BenchVariant variant, long first, int count, int size) {
        List<List<TextInput>> batches = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            batches.add(sentences.batch(first + k, size).stream().map(TextInput::of).toList());
        }
        long start = System.nanoTime();
        for (List<TextInput> batch : batches) {
            variant.task().classify(batch);
        }
        return System.nanoTime() - start;
    }
}
