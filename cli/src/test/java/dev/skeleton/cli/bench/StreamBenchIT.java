package dev.skeleton.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skeleton.cli.CliRun;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code bench --stream}, small, through the embedded broker in a JVM of its own: it runs, measures every variant,
 * reads the broker's GC log and loses nothing.
 */
class StreamBenchIT {

    @Test
    void shouldMeasureEveryVariantAndHotSwapWithoutLosingOrDuplicating() throws Exception {
        CliRun run = CliRun.of("bench", "--stream", "--quick", "--root", "..", "--messages", "100", "--swaps", "1",
                "--burst", "2", "--broker", "child-jvm", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : run.out().strip().split("\n")) {
            rows.add(new ObjectMapper().readTree(line));
        }
        assertThat(rows).extracting(r -> r.get("variant").asText())
                .containsExactly("batch-1/1w", "batch-1/2w", "dynamic/1w", "dynamic/2w", "raw", "hot_swap", "burst",
                        "burst");
        for (JsonNode row : rows.subList(0, 4)) {
            assertThat(row.get("seq_per_s").asDouble()).as(row.toString()).isPositive();
            assertThat(row.get("lost").asInt()).as(row.toString()).isZero();
            assertThat(row.get("duplicates").asInt()).as(row.toString()).isZero();
            assertThat(row.get("p99_ms").asDouble()).as(row.toString())
                    .isGreaterThanOrEqualTo(row.get("p50_ms").asDouble());
            JsonNode tail = row.get("tail");
            assertThat(tail.get("slow_requests").asInt()).as("the p99 request itself is slow").isPositive();
            assertThat(tail.get("stalls").asInt()).isBetween(1, tail.get("slow_requests").asInt());
            assertThat(tail.get("worst_stall_max_ms").asDouble()).isGreaterThanOrEqualTo(row.get("p99_ms").asDouble());
            assertThat(tail.get("gc_pauses").asInt()).isNotNegative();
            assertThat(tail.get("jit_compile_ms").asInt()).as("HotSpot measures it").isNotNegative();
            assertThat(tail.get("broker_gc_pauses").asInt()).as("read from the broker's GC log").isNotNegative();
            assertThat(tail.get("broker_gc_in_worst_stall_ms").asDouble())
                    .isBetween(0.0, tail.get("broker_gc_pause_ms").asDouble());
        }
        assertThat(rows.get(0).get("mean_batch").asDouble()).as("batch size 1").isEqualTo(1.0);
        JsonNode swap = rows.get(5);
        assertThat(swap.get("lost").asInt()).isZero();
        assertThat(swap.get("duplicates").asInt()).isZero();
        assertThat(swap.get("version_regressions").asInt()).isZero();
        assertThat(swap.get("max_ms").asDouble()).isPositive();
        assertThat(rows.subList(6, 8)).extracting(r -> r.get("registry_load_threads").asInt()).containsExactly(1, 2);
        for (JsonNode burst : rows.subList(6, 8)) {
            assertThat(burst.get("tasks").asInt()).isEqualTo(2);
            assertThat(burst.get("all_serving_ms").asDouble()).as(burst.toString())
                    .isGreaterThanOrEqualTo(burst.get("task_p50_ms").asDouble()).isPositive();
        }
    }
}
