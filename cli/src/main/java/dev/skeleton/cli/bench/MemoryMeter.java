package dev.skeleton.cli.bench;

import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.runtime.TaskModel;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import dev.skeleton.engine.text.TextInput;
import java.util.ArrayList;
import java.util.List;
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
            List<TextInput> batch = sentences.batch(0, 8).stream().map(TextInput::of).toList();
            for (int i = 0; i < settings.memoryTasks(); i++) {
                TaskModel task = engine.load(SyntheticSkeletons.random(base, "bench-memory-" + i,
                        settings.promptLength(), settings.memoryKeep(), 1.0, settings.seed() + 1 + i));
                tasks.add(task);
                task.classify(batch);
                owned += task.ownedBytes();
            }
            settle();
            long after = MemoryProbe.rssBytes().orElseThrow();
            long heapAfter = Runtime.getRuntime().totalMemory();
            return new MemoryResult(tasks.size(), settings.memoryKeep(), before.getAsLong() / MIB, after / MIB,
                    owned / MIB / tasks.size(), engine.sharedBytes() / MIB, (heapAfter - heapBefore) / MIB);
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
