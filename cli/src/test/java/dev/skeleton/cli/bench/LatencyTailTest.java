package dev.skeleton.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
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

        // broker pauses: 50 ms ending 60 ms in (30 ms of it within the worst stall, 30 .. 210 ms), 5 ms ending at
        // 400 ms, and one that ended before the phase
        List<BrokerGcLog.Pause> broker = List.of(new BrokerGcLog.Pause(60 * MS, 50),
                new BrokerGcLog.Pause(400 * MS, 5), new BrokerGcLog.Pause(-10 * MS, 80));

        LatencyTail tail = LatencyTail.of(sent, latencies, 160, new LatencyTail.JvmTimes(2, 30, 100),
                new LatencyTail.JvmTimes(5, 45, 112), broker);

        assertThat(tail.slowRequests()).isEqualTo(4);
        assertThat(tail.stalls()).isEqualTo(2);
        assertThat(tail.worstStallSize()).as("the stall with the most requests").isEqualTo(3);
        assertThat(tail.worstStallMs()).isEqualTo(180);
        assertThat(tail.worstStallAtS()).as("request 3, sent 30 ms after the first").isEqualTo(0.03);
        assertThat(tail.gcPauses()).isEqualTo(3);
        assertThat(tail.gcPauseMs()).isEqualTo(15);
        assertThat(tail.compileMs()).isEqualTo(12);
        assertThat(tail.brokerGc().pauses()).as("the pause before the first send is not the phase's").isEqualTo(2);
        assertThat(tail.brokerGc().totalMs()).isEqualTo(55);
        assertThat(tail.brokerGc().maxMs()).isEqualTo(50);
        assertThat(tail.brokerGc().inWorstStallMs()).isCloseTo(30, offset(1e-6));
    }

    @Test
    void shouldSplitSlowRequestsSentFurtherApartThanTheGap() {
        long[] sent = {0, 150 * MS, 300 * MS};
        double[] latencies = {200, 200, 200};

        LatencyTail tail = LatencyTail.of(sent, latencies, 200, LatencyTail.JvmTimes.now(),
                LatencyTail.JvmTimes.now(), null);

        assertThat(tail.stalls()).isEqualTo(3);
        assertThat(tail.worstStallSize()).isEqualTo(1);
        assertThat(tail.brokerGc()).as("the broker shares this JVM").isNull();
    }
}
