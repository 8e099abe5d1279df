package dev.skeleton.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryProbeTest {

    @Test
    void shouldReadVmRssInBytes() {
        assertThat(MemoryProbe.parseVmRss(List.of("Name:\tjava", "VmHWM:\t  900 kB", "VmRSS:\t  812345 kB")))
                .hasValue(812345L * 1024);
    }

    @Test
    void shouldReportNothingWithoutVmRssLine() {
        assertThat(MemoryProbe.parseVmRss(List.of("Name:\tjava"))).isEmpty();
    }
}
