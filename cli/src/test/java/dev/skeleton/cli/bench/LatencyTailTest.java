package dev.skeleton.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyTailTest {

    private static final long MS = 1_000_000;

    @Test
    void shouldGroupSlowRequestsSentCloseTogetherIntoStalls() {
        // sent every 10 ms; two stalls: requests 3-5 (one event) and request 40 (another), the rest fast
        long[] sent = new long[50];
        double[] latencies = new double[50];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = i * 10 * MS;
            latencies[i] = 20;
        }
        latencies[3] = 180;
        latencies[4] = 170;
        latencies[5] = 160;
        latencies[40] = 300;

        LatencyTail tail = LatencyTail.of(sent, latencies, 160, new LatencyTail.Gc(2, 30),
                new LatencyTail.Gc(5, 45));

        assertThat(tail.slowRequests()).isEqualTo(4);
        assertThat(tail.stalls()).isEqualTo(2);
        assertThat(tail.worstStallSize()).as("the stall with the most requests").isEqualTo(3);
        assertThat(tail.worstStallMs()).isEqualTo(180);
        assertThat(tail.worstStallAtS()).as("request 3, sent 30 ms after the first").isEqualTo(0.03);
        assertThat(tail.gcPauses()).isEqualTo(3);
        assertThat(tail.gcPauseMs()).isEqualTo(15);
    }

    @Test
    void shouldSplitSlowRequestsSentFurtherApartThanTheGap() {
        long[] sent = {0, 150 * MS, 300 * MS};
        double[] latencies = {200, 200, 200};

        LatencyTail tail = LatencyTail.of(sent, latencies, 200, LatencyTail.Gc.now(), LatencyTail.Gc.now());

        assertThat(tail.stalls()).isEqualTo(3);
        assertThat(tail.worstStallSize()).isEqualTo(1);
    }
}
