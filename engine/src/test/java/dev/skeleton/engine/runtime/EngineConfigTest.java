package dev.skeleton.engine.runtime;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EngineConfigTest {

    @Test
    void shouldReportEveryInvalidValueAtOnce() {
        assertThatThrownBy(() -> new EngineConfig(0, null, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("intraOpThreads=0 must be >= 1")
                .hasMessageContaining("device must be one of CPU, CUDA")
                .hasMessageContaining("cudaDeviceId=-1 must be >= 0");
    }
}
