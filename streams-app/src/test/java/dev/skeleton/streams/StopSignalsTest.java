package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;

class StopSignalsTest {

    @Test
    void shouldRunTheStopActionInsteadOfExitingOnTheSignal() throws Exception {
        // Given a stop action for SIGHUP (TERM and INT would reach the build tool's JVM handling too)
        CountDownLatch stopped = new CountDownLatch(1);
        StopSignals.on(stopped::countDown, "HUP");

        // When the process receives it
        Signal.raise(new Signal("HUP"));

        // Then the action ran and this JVM is still here to say so
        assertThat(stopped.await(10, TimeUnit.SECONDS)).as("stop action ran").isTrue();
    }
}
