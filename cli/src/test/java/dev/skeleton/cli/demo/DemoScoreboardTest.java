package dev.skeleton.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.avro.Timings;
import dev.skeleton.builder.train.GlueMetric;
import dev.skeleton.cli.live.ResultCollector.Arrival;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoScoreboardTest {

    private static final long MS = 1_000_000;
    private final DemoScoreboard board = new DemoScoreboard(List.of(
            new DemoScoreboard.TaskInfo("sst2", List.of("negative", "positive"), GlueMetric.ACCURACY, 0.81),
            new DemoScoreboard.TaskInfo("mrpc", List.of("not_equivalent", "equivalent"), GlueMetric.F1, 0.78)), 0);

    @Test
    void shouldScoreEachTaskWithItsMetricAndCountWhatIsMissing() {
        // Given four requests, one bad, sent at 1 s
        board.sent("a", "sst2", "positive", 1000 * MS);
        board.sent("b", "sst2", "negative", 1000 * MS);
        board.sent("c", "mrpc", "equivalent", 1000 * MS);
        board.sent("bad", null, null, 1000 * MS);

        // When sst2 gets one right and one wrong, mrpc one right, the bad one a dead letter, all 100..400 ms later
        board.answered(label("a", "sst2", "positive", 1, 1100 * MS));
        board.answered(label("b", "sst2", "positive", 2, 1200 * MS));
        board.answered(label("c", "mrpc", "equivalent", 1, 1400 * MS));
        board.answered(new Arrival("bad", null, "UNKNOWN_TASK", 1300 * MS));

        // Then accuracy and F1 are per task, nothing is lost, latency and first label are measured
        ObjectNode s = board.summary(0, "sst2", 1, 2, 250);
        assertThat(s.get("produced").asInt()).isEqualTo(4);
        assertThat(s.get("labeled").asInt()).isEqualTo(3);
        assertThat(s.get("dlq").asInt()).isEqualTo(1);
        assertThat(s.get("lost").asInt()).isZero();
        assertThat(s.get("accuracy").get("sst2").asDouble()).isEqualTo(0.5);
        assertThat(s.get("tasks").get("mrpc").get("metric").asText()).isEqualTo("f1");
        assertThat(s.get("tasks").get("mrpc").get("value").asDouble()).isEqualTo(1.0);
        assertThat(s.get("tasks").get("sst2").get("versions").toString()).isEqualTo("[1,2]");
        assertThat(s.get("p99_ms").asDouble()).isCloseTo(400, within(1e-6));
        assertThat(s.get("first_label_s").asDouble()).isCloseTo(1.1, within(1e-6));
        assertThat(s.get("dlq_by_kind").get("UNKNOWN_TASK").asInt()).isEqualTo(1);
        assertThat(board.render(2000 * MS)).contains("sst2", "v1,v2", "50.00", "UNKNOWN_TASK=1");
    }

    @Test
    void shouldCountUnansweredRequestsAsLostAndWriteNullForUnknownFigures() {
        board.sent("a", "sst2", "positive", 0);

        ObjectNode s = board.summary(0, null, 0, 0, Double.NaN);

        assertThat(s.get("lost").asInt()).isEqualTo(1);
        assertThat(s.get("accuracy").get("sst2").isNull()).as("no labels yet: null, not NaN").isTrue();
        assertThat(s.get("p50_ms").isNull()).isTrue();
        assertThat(s.has("swap")).isFalse();
    }

    private static Arrival label(String id, String task, String label, long version, long arrivedNanos) {
        return new Arrival(id, ClassificationResult.newBuilder().setRequestId(id).setTask(task).setLabel(label)
                .setProbabilities(List.of()).setSkeletonVersion(version).setBaseModelFingerprint("fp")
                .setTimings(new Timings(0.0, 0.0, 1)).setMetadata(Map.of()).build(), null, arrivedNanos);
    }
}
