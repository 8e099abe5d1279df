package dev.skeleton.cli.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where a latency phase's slowest requests (those at or above its 99th percentile) came from. Requests slowed by
 * one event (a pause of the service, a slow commit, a busy core) were sent close together, so they are grouped into
 * stalls: a slow request sent within {@link #STALL_GAP_MS} of the previous slow one belongs to its stall. A few
 * stalls mean the 99th percentile is set by a few events; many mean a slow path. The JVM's stop-the-world GC time
 * in the same phase (the service runs in the benchmark's JVM) says whether collections can be those events; so do
 * the pauses of the broker's JVM when it runs in one of its own ({@link BrokerGcLog}), and how much of them fell
 * within the worst stall.
 *
 * @param thresholdMs      the 99th percentile: requests at or above it are the slow ones
 * @param slowRequests     requests at or above it
 * @param stalls           groups of slow requests sent close together
 * @param worstStallSize   requests in the largest stall
 * @param worstStallMs     the largest latency in that stall
 * @param worstStallAtS    when its first request was sent, in seconds after the phase's first send
 * @param gcPauses         stop-the-world collections of the JVM during the phase
 * @param gcPauseMs        their total time
 * @param compileMs        time the JVM's JIT compiler threads spent compiling during the phase (they take cores
 *                         from the service on a small machine); -1 where the JVM does not measure it
 * @param brokerGc         the broker JVM's pauses during the phase, or null when the broker shares this JVM
 */
public record LatencyTail(double thresholdMs, int slowRequests, int stalls, int worstStallSize, double worstStallMs,
        double worstStallAtS, long gcPauses, long gcPauseMs, long compileMs, BrokerGc brokerGc) {

    /**
     * The broker JVM's stop-the-world pauses that ended between the phase's first send and its last label.
     *
     * @param pauses         how many
     * @param totalMs        their total time
     * @param maxMs          the longest
     * @param inWorstStallMs pause time within the worst stall: from its first send to its largest latency after it
     */
    public record BrokerGc(int pauses, double totalMs, double maxMs, double inWorstStallMs) {}

    /** Slow requests sent further apart than this belong to different stalls. */
    static final double STALL_GAP_MS = 100;

    /**
     * The analysis of one phase: each request's send time and latency, in any order, GC and JIT totals of this JVM
     * around it, and the broker JVM's pauses (null when the broker shares this JVM).
     */
    static LatencyTail of(long[] sentNanos, double[] latenciesMs, double thresholdMs, JvmTimes before,
            JvmTimes after, List<BrokerGcLog.Pause> brokerPauses) {
        List<Integer> slow = new ArrayList<>();
        for (int i = 0; i < latenciesMs.length; i++) {
            if (latenciesMs[i] >= thresholdMs) {
                slow.add(i);
            }
        }
        slow.sort(Comparator.comparingLong(i -> sentNanos[i]));
        long firstSent = Long.MAX_VALUE;
        for (long t : sentNanos) {
            firstSent = Math.min(firstSent, t);
        }
        int stalls = 0;
        int size = 0;
        double max = 0;
        long start = 0;
        int worstSize = 0;
        double worstMs = 0;
        long worstStart = 0;
        for (int k = 0; k < slow.size(); k++) {
            int i = slow.get(k);
            boolean startsStall = k == 0 || (sentNanos[i] - sentNanos[slow.get(k - 1)]) / 1e6 > STALL_GAP_MS;
            if (startsStall) {
                stalls++;
                size = 0;
                max = 0;
                start = sentNanos[i];
            }
            size++;
            max = Math.max(max, latenciesMs[i]);
            if (size > worstSize || (size == worstSize && max > worstMs)) {
                worstSize = size;
                worstMs = max;
                worstStart = start;
            }
        }
        long compileMs = before.compileMillis < 0 ? -1 : after.compileMillis - before.compileMillis;
        BrokerGc broker = brokerPauses == null ? null : brokerGc(brokerPauses, firstSent,
                lastLabel(sentNanos, latenciesMs), worstStart, worstStart + (long) (worstMs * 1e6));
        return new LatencyTail(thresholdMs, slow.size(), stalls, worstSize, worstMs,
                slow.isEmpty() ? 0 : (worstStart - firstSent) / 1e9, after.gcPauses - before.gcPauses,
                after.gcMillis - before.gcMillis, compileMs, broker);
    }

    private static long lastLabel(long[] sentNanos, double[] latenciesMs) {
        long last = Long.MIN_VALUE;
        for (int i = 0; i < sentNanos.length; i++) {
            last = Math.max(last, sentNanos[i] + (long) (latenciesMs[i] * 1e6));
        }
        return last;
    }

    private static BrokerGc brokerGc(List<BrokerGcLog.Pause> pauses, long phaseStart, long phaseEnd,
            long stallStart, long stallEnd) {
        int count = 0;
        double total = 0;
        double max = 0;
        double inStall = 0;
        for (BrokerGcLog.Pause p : pauses) {
            if (p.endNanos() >= phaseStart && p.endNanos() <= phaseEnd) {
                count++;
                total += p.ms();
                max = Math.max(max, p.ms());
                inStall += p.overlapMs(stallStart, stallEnd);
            }
        }
        return new BrokerGc(count, total, max, inStall);
    }

    /**
     * This JVM's totals so far: its stop-the-world collections (every collector but the concurrent ones: G1's
     * concurrent cycle runs beside the application and does not pause it) and its JIT compilation time (-1 where
     * the JVM does not measure it).
     */
    record JvmTimes(long gcPauses, long gcMillis, long compileMillis) {

        static JvmTimes now() {
            long count = 0;
            long millis = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (!gc.getName().contains("Concurrent")) {
                    count += Math.max(0, gc.getCollectionCount());
                    millis += Math.max(0, gc.getCollectionTime());
                }
            }
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            long compile = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime()
                    : -1;
            return new JvmTimes(count, millis, compile);
        }
    }
}
