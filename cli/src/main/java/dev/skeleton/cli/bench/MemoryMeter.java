package dev.skeleton.cli.bench;

import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.runtime.SpeedStats;
import dev.skeleton.engine.runtime.TaskModel;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import dev.skeleton.engine.text.TextInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * What one more loaded task costs in resident memory: RSS before and after loading several extra tasks
 * into a running engine, each having served a batch (so its buffers are allocated, as in production).
 */
final class MemoryMeter {

    private static final double MIB = 1024.0 * 1024.0;

    private final BenchSettings settings;
    private final SentenceSource sentences;

    MemoryMeter(BenchSettings settings, SentenceSource sentences) {
        this.settings = settings;
        this.sentences = sentences;
    }

    /** The measurement, or null where RSS cannot be read. */
    MemoryResult measure(SkeletonEngine engine) {
        String precision = engine.config().precision().name().toLowerCase(Locale.ROOT);
        BaseModel base = engine.baseModel();
        settle();
        OptionalLong before = MemoryProbe.rssBytes();
        if (before.isEmpty()) {
            return null;
        }
        long heapBefore = Runtime.getRuntime().totalMemory();
        List<TaskModel> tasks = new ArrayList<>();
        try {
            long owned = 0;
            long loadNanos = 0;
            double[] firstLabelMs = new double[settings.memoryTasks()];
            List<TextInput> batch = sentences.batch(0, 8).stream().map(TextInput::of).toList();
            for (int i = 0; i < settings.memoryTasks(); i++) {
                TaskSkeleton skeleton = SyntheticSkeletons.random(base, "bench-memory-" + i,
                        settings.promptLength(), settings.memoryKeep(), 1.0, settings.seed() + 1 + i);
                long start = System.nanoTime();
                TaskModel task = engine.load(skeleton);
                long loaded = System.nanoTime();
                tasks.add(task);
                task.classify(batch);
                loadNanos += loaded - start;
                firstLabelMs[i] = (System.nanoTime() - start) / 1e6;
                owned += task.ownedBytes();
            }
            settle();
            long after = MemoryProbe.rssBytes().orElseThrow();
            long heapAfter = Runtime.getRuntime().totalMemory();
            return new MemoryResult(precision, engine.config().prepackWeights(), tasks.size(), settings.memoryKeep(),
                    before.getAsLong() / MIB,
                    after / MIB, owned / MIB / tasks.size(), engine.sharedBytes() / MIB, (heapAfter - heapBefore) / MIB,
                    loadNanos / 1e9, SpeedStats.median(firstLabelMs));
        } finally {
            tasks.forEach(TaskModel::close);
        }
    }

    /** Lets the JVM drop garbage (model bytes, skeleton copies) so the reading is of what stays. */
    private static void settle() {
        System.gc();
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
