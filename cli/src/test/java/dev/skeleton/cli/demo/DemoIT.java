package dev.skeleton.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skeleton.cli.CliRun;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code demo} end to end: embedded broker, the shipped skeletons, the service, real sentences, a hot swap. */
class DemoIT {

    @Test
    void shouldLabelEveryMessageOnceSwapMidwayAndDeadLetterTheBadOnes() throws Exception {
        // When the demo sends 300 requests (one of them deliberately bad) with the shipped skeletons
        CliRun run = CliRun.of("demo", "--root", "..", "--messages", "300", "--rate", "100", "--http-port", "0",
                "--json");

        // Then it succeeds and prints one JSON summary on stdout
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(run.out());

        // in which every request was answered exactly once: 299 labels and the bad one as a dead letter
        assertThat(summary.get("produced").asInt()).isEqualTo(300);
        assertThat(summary.get("labeled").asInt()).isEqualTo(299);
        assertThat(summary.get("dlq").asInt()).isEqualTo(1);
        assertThat(summary.get("lost").asInt()).isZero();
        assertThat(summary.get("duplicates").asInt()).isZero();
        assertThat(summary.get("dlq_by_kind").get("UNKNOWN_TASK").asInt()).isEqualTo(1);

        // the first task was swapped to a new version half way, and labels of both versions came out
        JsonNode swap = summary.get("swap");
        assertThat(swap.get("task").asText()).isEqualTo("sst2");
        assertThat(swap.get("ms").isNumber()).as("time to the first label of the new version").isTrue();
        long shipped = SkeletonFiles.read(SkeletonFiles.find(Path.of(".."), "sst2").orElseThrow()).getVersion();
        assertThat(swap.get("from_version").asLong()).isEqualTo(shipped);
        assertThat(summary.get("tasks").get("sst2").get("versions").toString())
                .isEqualTo("[" + shipped + "," + (shipped + 1) + "]");

        // and the labels are real: SST-2 is far above chance on real dev sentences
        assertThat(summary.get("accuracy").get("sst2").asDouble()).isGreaterThan(0.7);
        assertThat(summary.get("p99_ms").asDouble()).isPositive();
    }
}
