package dev.skeleton.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerGcLogTest {

    @Test
    void shouldReadPausesAndSkipConcurrentPhasesAndOtherLines() {
        List<String> lines = List.of(
                "[1765000000000ms] Using G1",
                "[1765000001000ms] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->5M(64M) 3.456ms",
                "[1765000002000ms] GC(1) Concurrent Mark Cycle 12.300ms",
                "[1765000002500ms] GC(1) Pause Remark 30M->30M(64M) 1.200ms",
                "[1765000003000ms] GC(2) Pause Full (System.gc()) 40M->10M(64M) 250ms");

        // "now" is 1765000004000 ms on the wall clock and 10 s on the nano clock
        List<BrokerGcLog.Pause> pauses = BrokerGcLog.parse(lines, 1_765_000_004_000L, 10_000_000_000L);

        assertThat(pauses).containsExactly(new BrokerGcLog.Pause(7_000_000_000L, 3.456),
                new BrokerGcLog.Pause(8_500_000_000L, 1.2), new BrokerGcLog.Pause(9_000_000_000L, 250));
    }

    @Test
    void shouldLogToTheFileWithTheWallClock() {
        assertThat(BrokerGcLog.option(Path.of("/tmp/gc.log")))
                .isEqualTo("-Xlog:gc:file=/tmp/gc.log:timemillis");
    }

    @Test
    void shouldMeasureTheOverlapOfAPauseWithAWindow() {
        BrokerGcLog.Pause pause = new BrokerGcLog.Pause(100_000_000L, 40);  // 60 .. 100 ms

        assertThat(pause.overlapMs(80_000_000L, 200_000_000L)).isEqualTo(20);
        assertThat(pause.overlapMs(0, 50_000_000L)).isZero();
    }
}
