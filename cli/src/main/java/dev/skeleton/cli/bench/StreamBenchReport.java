package dev.skeleton.cli.bench;

import java.util.List;

/**
 * What {@code bench --stream} measured.
 *
 * @param task              the skeleton benchmarked, and its version
 * @param setup             how: broker, guarantee, partitions, threads, workers, sentences
 * @param raw               the engine alone on the same skeleton and sentences
 * @param variants          the service with batch size 1 and with dynamic batching, on 1 worker and on the default
 *                          pool
 * @param swap              hot swaps under load (measured on the dynamic variant)
 * @param bursts            new tasks published at once, per registry.load.threads; empty when not measured
 */
public record StreamBenchReport(String task, String setup, Raw raw, List<Variant> variants, Swap swap,
        List<Burst> bursts) {

    /**
     * The engine alone, medians of repetitions.
     *
     * @param batch              batch size of the batched figures
     * @param seqPerSecond       batches from one caller, on a pool of {@code threads}
     * @param threads            that pool's threads
     * @param parallelSeqPerSecond batches from {@code callers} callers at once, each on {@code callerThreads}, as the
     *                           service's workers run them
     * @param callers            callers of that figure (the service's default inference.workers)
     * @param callerThreads      engine.threads of that figure
     * @param singleSeqPerSecond one sentence at a time from one caller: the most batching can gain is the ratio
     */
    public record Raw(int batch, double seqPerSecond, int threads, double parallelSeqPerSecond, int callers,
            int callerThreads, double singleSeqPerSecond) {

        /** The better batched figure: what the service's throughput is compared with ("vs raw"). */
        public double best() {
            return Math.max(seqPerSecond, parallelSeqPerSecond);
        }
    }

    /**
     * One service configuration through the broker.
     *
     * @param name            batch-1 or dynamic, and the workers
     * @param batchMaxSize    batch.max.size
     * @param batchMaxDelayMs batch.max.delay.ms
     * @param workers         inference.workers
     * @param messages        requests in the throughput phase (sent as fast as possible)
     * @param seqPerSecond    requests labeled per second, first send to last label read
     * @param meanBatch       mean inference batch size in the throughput phase
     * @param latencyRate     requests per second in the latency phase (half of this variant's throughput)
     * @param latencyMessages requests in the latency phase
     * @param p50Ms           median send-to-label-read latency in the latency phase
     * @param p99Ms           99th percentile of the same
     * @param lost            requests without an answer (both phases)
     * @param duplicates      answers beyond the first per request (both phases)
     * @param inService       where the latency phase's time went inside the service
     * @param tail            where the latency phase's slowest requests came from
     */
    public record Variant(String name, int batchMaxSize, int batchMaxDelayMs, int workers, int messages,
            double seqPerSecond, double meanBatch, double latencyRate, int latencyMessages, double p50Ms,
            double p99Ms, int lost, long duplicates, InService inService, LatencyTail tail) {}

    /**
     * Means over the latency phase, from the service's own metrics; what is left of a request's latency after
     * {@code toForwardMs} is the result's produce and the reader's fetch.
     *
     * @param arrivalMs   the request's timestamp (its send) until the processor has it ({@code skeleton.arrival.time})
     * @param queueMs     arrival at the processor until its batch starts ({@code skeleton.queue.time})
     * @param inferenceMs one batch in the model ({@code skeleton.inference.time})
     * @param batch       requests per batch
     * @param orderWaitMs label known until forwarded, in input order ({@code skeleton.order.wait})
     * @param toForwardMs the request's timestamp until its result is forwarded ({@code skeleton.latency})
     */
    public record InService(double arrivalMs, double queueMs, double inferenceMs, double batch, double orderWaitMs,
            double toForwardMs) {}

    /**
     * Hot swaps: a new version published while requests flow, timed from the publish call to the first label of the
     * new version read from the output topic.
     *
     * @param swaps        versions published
     * @param p50Ms        median swap time
     * @param p99Ms        99th percentile (with few swaps, the largest)
     * @param maxMs        the largest
     * @param rate         requests per second during the swaps
     * @param messages     requests sent during the swaps
     * @param lost         of those, without an answer
     * @param duplicates   answers beyond the first
     * @param regressions  labels from an older version after a newer one was seen
     * @param phases       where the time went, per phase in order, as the service measured it
     */
    public record Swap(int swaps, double p50Ms, double p99Ms, double maxMs, double rate, int messages, int lost,
            long duplicates, long regressions, List<PhaseTime> phases) {}

    /**
     * One phase of the swaps ({@code skeleton_swap_seconds{phase}}), over every swap.
     *
     * @param phase the phase's metric tag
     * @param p50Ms median
     * @param p99Ms 99th percentile
     */
    public record PhaseTime(String phase, double p50Ms, double p99Ms) {}

    /**
     * Bursts of new tasks published at once on an idle service, timed from the first publish call to each task's
     * version serving (swapped in).
     *
     * @param loadThreads   registry.load.threads of the service
     * @param tasks         tasks per burst
     * @param repetitions   bursts
     * @param taskP50Ms     median over the bursts of each burst's median task
     * @param allServingMs  median over the bursts of the time until the burst's last task served
     */
    public record Burst(int loadThreads, int tasks, int repetitions, double taskP50Ms, double allServingMs) {}
}
