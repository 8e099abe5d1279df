package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skeleton.streams.classify.DeadLetterKind;
import dev.skeleton.streams.registry.SkeletonRegistry;
import dev.skeleton.streams.testkit.TestEngine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code /stats} document from real meters and registry, with a settable clock for the rates. */
class DashboardStatsTest {

    private final AtomicLong nanos = new AtomicLong(TimeUnit.HOURS.toNanos(1));
    private SkeletonRegistry registry;
    private ServiceMetrics metrics;
    private DashboardStats stats;

    @BeforeEach
    void start() {
        registry = new SkeletonRegistry(TestEngine.engine()::load);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        metrics = new ServiceMetrics(meters);
        metrics.watch(registry);
        stats = new DashboardStats(meters, new TasksView(registry, TestEngine.engines()), nanos::get);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void shouldTagBatchesOfTasksThatDoNotServeAsOneSeries() {
        registry.apply("sst2", TestEngine.skeleton("sst2", 1));

        metrics.batch("sst2", 4, 1_000);
        for (int i = 0; i < 50; i++) {
            metrics.batch("made-up-" + i, 1, 1_000);
        }

        assertThat(metrics.registry().find(ServiceMetrics.BATCH_SIZE).summaries())
                .extracting(s -> s.getId().getTag("task"))
                .as("a producer naming new tasks cannot create series").containsExactlyInAnyOrder("sst2", "_other");
    }

    @Test
    void shouldReportVersionsCountsLatencyLabelsAndDeadLetters() {
        // Given sst2 v1 serving, mrpc v4 refused, 100 sst2 requests labeled (latency 1..100 ms, 70 positive)
        registry.apply("sst2", TestEngine.skeleton("sst2", 1));
        registry.apply("mrpc", TestEngine.foreignSkeleton("mrpc", 4));
        for (int i = 1; i <= 100; i++) {
            metrics.labeled("sst2", i <= 70 ? "positive" : "negative", 0.5, i);
        }
        metrics.deadLetter(DeadLetterKind.EMPTY_TEXT);
        metrics.deadLetter(DeadLetterKind.EMPTY_TEXT);
        metrics.deadLetter(DeadLetterKind.UNPARSEABLE);

        JsonNode json = stats.json();

        JsonNode sst2 = json.at("/tasks/0");
        assertThat(json.get("tasks")).hasSize(1);
        assertThat(sst2.get("task").asText()).isEqualTo("sst2");
        assertThat(sst2.get("serving").asBoolean()).isTrue();
        assertThat(sst2.get("version").asLong()).isEqualTo(1);
        assertThat(sst2.get("input").asText()).isEqualTo("SINGLE");
        assertThat(sst2.get("ffnKeepRatio").asDouble()).isCloseTo(0.3, Offset.offset(0.01));
        assertThat(sst2.get("headKeepRatio").asDouble()).isEqualTo(1.0);
        assertThat(sst2.get("labeled").asLong()).isEqualTo(100);
        assertThat(sst2.at("/latencyMs/p50").asDouble()).isCloseTo(50, Offset.offset(2.0));
        assertThat(sst2.at("/latencyMs/p99").asDouble()).isCloseTo(99, Offset.offset(3.0));
        assertThat(sst2.at("/latencyMs/max").asDouble()).isEqualTo(100.0);
        // the skeleton's label order, not by count
        assertThat(sst2.at("/labels/0/label").asText()).isEqualTo("negative");
        assertThat(sst2.at("/labels/0/count").asLong()).isEqualTo(30);
        assertThat(sst2.at("/labels/1/label").asText()).isEqualTo("positive");
        assertThat(sst2.at("/labels/1/count").asLong()).isEqualTo(70);

        assertThat(json.at("/totals/tasks").asInt()).isEqualTo(1);
        assertThat(json.at("/totals/labeled").asLong()).isEqualTo(100);
        assertThat(json.at("/totals/deadLetters").asLong()).isEqualTo(3);
        assertThat(json.get("deadLetters")).hasSize(DeadLetterKind.values().length);
        assertThat(json.at("/deadLetters/EMPTY_TEXT").asLong()).isEqualTo(2);
        assertThat(json.at("/deadLetters/UNPARSEABLE").asLong()).isEqualTo(1);
        assertThat(json.at("/deadLetters/NO_TASK").asLong()).isZero();

        assertThat(json.at("/refused/0/task").asText()).isEqualTo("mrpc");
        assertThat(json.at("/refused/0/version").asLong()).isEqualTo(4);
        assertThat(json.at("/registry/swaps").asLong()).isEqualTo(1);
        assertThat(json.at("/registry/refusals").asLong()).isEqualTo(1);
        assertThat(json.get("generatedAt").asText()).endsWith("Z");
    }

    @Test
    void shouldComputeThroughputOverTheLastTenSeconds() {
        registry.apply("sst2", TestEngine.skeleton("sst2", 1));
        label("sst2", 5);

        // first call: no earlier sample, no rate yet
        JsonNode first = stats.json();
        assertThat(first.get("windowSeconds").asDouble()).isZero();
        assertThat(first.at("/totals/requestsPerSecond").asDouble()).isZero();

        // 10 more in 5 s: 2/s
        advanceSeconds(5);
        label("sst2", 10);
        JsonNode second = stats.json();
        assertThat(second.get("windowSeconds").asDouble()).isEqualTo(5.0);
        assertThat(second.at("/tasks/0/perSecond").asDouble()).isEqualTo(2.0);
        assertThat(second.at("/totals/labeledPerSecond").asDouble()).isEqualTo(2.0);
        assertThat(second.at("/totals/requestsPerSecond").asDouble()).isEqualTo(2.0);

        // 4 dead letters 3 s later: still over 8 s since the first call
        advanceSeconds(3);
        for (int i = 0; i < 4; i++) {
            metrics.deadLetter(DeadLetterKind.NO_TASK);
        }
        JsonNode third = stats.json();
        assertThat(third.get("windowSeconds").asDouble()).isEqualTo(8.0);
        assertThat(third.at("/tasks/0/perSecond").asDouble()).isEqualTo(1.25);
        assertThat(third.at("/totals/deadLettersPerSecond").asDouble()).isEqualTo(0.5);
        assertThat(third.at("/totals/requestsPerSecond").asDouble()).isEqualTo(1.75);

        // quiet for a while: samples older than the window drop out, so the rate falls to 0
        advanceSeconds(30);
        JsonNode quiet = stats.json();
        assertThat(quiet.get("windowSeconds").asDouble()).isEqualTo(30.0);
        assertThat(quiet.at("/totals/requestsPerSecond").asDouble()).isZero();
        assertThat(quiet.at("/totals/labeled").asLong()).isEqualTo(15);
        assertThat(quiet.at("/totals/deadLetters").asLong()).isEqualTo(4);
    }

    @Test
    void shouldKeepTasksThatLabeledButServeNoMore() {
        // Given sst2 labeled requests and was then retired
        registry.apply("sst2", TestEngine.skeleton("sst2", 1));
        label("sst2", 3);
        registry.apply("sst2", null);

        JsonNode json = stats.json();

        JsonNode sst2 = json.at("/tasks/0");
        assertThat(sst2.get("serving").asBoolean()).isFalse();
        assertThat(sst2.get("version").isNull()).isTrue();
        assertThat(sst2.get("labeled").asLong()).isEqualTo(3);
        assertThat(sst2.at("/labels/0/label").asText()).isEqualTo("positive");
        assertThat(json.at("/totals/tasks").asInt()).isZero();
        assertThat(json.at("/registry/retirements").asLong()).isEqualTo(1);
    }

    @Test
    void shouldReportNoLatencyBeforeTheFirstLabeledRequest() {
        registry.apply("sst2", TestEngine.skeleton("sst2", 1));

        JsonNode sst2 = stats.json().at("/tasks/0");

        assertThat(sst2.get("labeled").asLong()).isZero();
        assertThat(sst2.get("latencyMs").isNull()).isTrue();
        assertThat(sst2.at("/labels/0/count").asLong()).isZero();
        assertThat(sst2.at("/labels/1/count").asLong()).isZero();
    }

    private void label(String task, int n) {
        for (int i = 0; i < n; i++) {
            metrics.labeled(task, "positive", 1.0, 10.0);
        }
    }

    private void advanceSeconds(long seconds) {
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }
}
