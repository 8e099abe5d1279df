package dev.skeleton.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stop-the-world GC pauses of the broker's JVM, read from the unified GC log it writes ({@link #option}), so
 * that a latency stall can be set beside the broker's pauses: the benchmark's own JVM sees only its own collector.
 */
final class BrokerGcLog {

    /** {@code [1733512345678ms] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 24M->5M(64M) 3.456ms} */
    private static final Pattern PAUSE = Pattern.compile("^\\[(\\d+)ms\\] GC\\(\\d+\\) Pause .* (\\d+(?:\\.\\d+)?)ms$");

    /**
     * One pause.
     *
     * @param endNanos when it ended, on this JVM's {@link System#nanoTime} clock
     * @param ms       how long it lasted
     */
    record Pause(long endNanos, double ms) {

        /** How much of it fell between {@code fromNanos} and {@code toNanos}, in milliseconds. */
        double overlapMs(long fromNanos, long toNanos) {
            long start = endNanos - (long) (ms * 1e6);
            return Math.max(0, Math.min(endNanos, toNanos) - Math.max(start, fromNanos)) / 1e6;
        }
    }

    private BrokerGcLog() {}

    /** The JVM option that makes a JVM log its collections to {@code file}, each line stamped with the wall clock. */
    static String option(Path file) {
        return "-Xlog:gc:file=" + file + ":timemillis";
    }

    /** The pauses logged in {@code file} so far. */
    static List<Pause> read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), System.currentTimeMillis(),
                    System.nanoTime());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the broker's GC log " + file, e);
        }
    }

    /**
     * The pause lines among {@code lines}; other lines (concurrent phases, heap sizes) are skipped. The wall clock
     * of the log is mapped to the nano clock by one reading of both, {@code nowMillis} and {@code nowNanos}.
     */
    static List<Pause> parse(List<String> lines, long nowMillis, long nowNanos) {
        List<Pause> pauses = new ArrayList<>();
        for (String line : lines) {
            Matcher m = PAUSE.matcher(line.strip());
            if (m.matches()) {
                long endNanos = nowNanos - (nowMillis - Long.parseLong(m.group(1))) * 1_000_000;
                pauses.add(new Pause(endNanos, Double.parseDouble(m.group(2))));
            }
        }
        return pauses;
    }
}
