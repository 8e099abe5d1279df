package dev.skeleton.cli.bench;

/**
 * Resident memory added per extra loaded task.
 *
 * @param precision      "fp32" or "int8": the engine they were loaded into
 * @param prepacked      whether the engine pre-packed weights per session ({@code engine.prepack.weights})
 * @param tasks          extra tasks loaded
 * @param keep           their FFN keep ratio
 * @param rssBeforeMib   process RSS before loading them
 * @param rssAfterMib    process RSS after loading them, one batch through each, and a GC
 * @param ownedMib       mean weight bytes a task owns ({@code TaskModel.ownedBytes()})
 * @param sharedMib      base-model weight bytes the engine holds once for all tasks
 * @param heapDeltaMib   growth of the committed Java heap over the same span: the part of the RSS growth
 *                       that is the JVM's, not the tasks' native memory
 * @param loadSeconds    wall time to load all of them, one after the other (validate, build the graph, create the
 *                       session, warm up)
 * @param firstLabelMs   median over the tasks of load plus their first batch of 8: how long a newly published
 *                       task takes to label, without Kafka
 */
public record MemoryResult(String precision, boolean prepacked, int tasks, double keep, double rssBeforeMib,
        double rssAfterMib, double ownedMib, double sharedMib, double heapDeltaMib, double loadSeconds,
        double firstLabelMs) {

    public double rssPerTaskMib() {
        return (rssAfterMib - rssBeforeMib) / tasks;
    }

    /** RSS per task over the task's own weights: 1 would mean a task costs nothing beyond its weights. */
    public double ratio() {
        return rssPerTaskMib() / ownedMib;
    }
}
