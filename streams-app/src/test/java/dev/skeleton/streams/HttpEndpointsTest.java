package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skeleton.streams.classify.DeadLetterKind;
import dev.skeleton.streams.registry.RegistryTaskClassifier;
import dev.skeleton.streams.registry.SkeletonRegistry;
import dev.skeleton.streams.testkit.TestEngine;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams.State;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP endpoints on a real Vert.x server, with the real registry and engine and a settable Kafka Streams state. */
class HttpEndpointsTest {

    /** HTTP/1.1, as Prometheus and browsers without TLS speak it (no h2c upgrade). */
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final AtomicReference<State> state = new AtomicReference<>(State.REBALANCING);
    private Vertx vertx;
    private SkeletonRegistry registry;
    private PrometheusMeterRegistry prometheus;
    private ServiceMetrics metrics;
    private HttpEndpoints endpoints;
    private VertxInferenceWorkers workers;
    private DirectClassifier direct;
    /** Stuck once a batch runs 2 x 100 ms. */
    private StuckWorkers stuck;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        registry = new SkeletonRegistry(TestEngine.engine()::load);
        prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics = new ServiceMetrics(prometheus);
        metrics.watch(registry);
        workers = new VertxInferenceWorkers(vertx, 1);
        stuck = new StuckWorkers(workers, Duration.ofMillis(100));
        direct = new DirectClassifier(new BatchSettings(4, Duration.ofMillis(5), 8),
                new RegistryTaskClassifier(registry), workers, metrics::batch);
        endpoints = HttpEndpoints.start(vertx, "127.0.0.1", 0, HttpAccess.OPEN, state::get, stuck,
                new TasksView(registry, TestEngine.engines()), prometheus, new ClassifyEndpoint(direct, metrics, 100));
    }

    @AfterEach
    void stop() throws Exception {
        endpoints.close();
        direct.close();
        workers.close();
        registry.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldBeReadyOnlyOnceKafkaStreamsIsRunning() throws Exception {
        // Given Kafka Streams still rebalancing (or restoring the registry)
        HttpResponse<String> before = get("/ready");
        assertThat(before.statusCode()).isEqualTo(503);
        assertThat(before.body()).isEqualTo("{\"ready\":false,\"streams\":\"REBALANCING\"}");

        // When it runs
        state.set(State.RUNNING);

        // Then ready
        assertThat(get("/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldBeHealthyWhileStartingAndDownOnceKafkaStreamsFailed() throws Exception {
        assertThat(get("/health").statusCode()).as("alive while rebalancing").isEqualTo(200);

        state.set(State.ERROR);

        HttpResponse<String> down = get("/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).isEqualTo("{\"status\":\"DOWN\",\"streams\":\"ERROR\"}");
    }

    @Test
    void shouldBeDownWhileAnInferenceWorkerIsStuckAndUpOnceItIsFree() throws Exception {
        // Given a batch that does not end (inference timeout 100 ms in this test, stuck after 200 ms)
        state.set(State.RUNNING);
        CountDownLatch release = new CountDownLatch(1);
        workers.execute(() -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, e -> { });

        // When it has run past twice the timeout, then /health is DOWN and says why
        Thread.sleep(300);
        HttpResponse<String> down = get("/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("\"status\":\"DOWN\"", "\"streams\":\"RUNNING\"",
                "an inference worker is stuck");

        // and once the worker is free again, UP
        release.countDown();
        Thread.sleep(100);
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldListServingSkeletonsWithKeepRatiosAndRefusedVersions() throws Exception {
        // Given sst2 v1 serving (30% of FFN neurons kept) and a refused mrpc v4
        registry.apply("sst2", TestEngine.skeleton("sst2", 1));
        registry.apply("mrpc", TestEngine.foreignSkeleton("mrpc", 4));

        JsonNode tasks = new ObjectMapper().readTree(get("/tasks").body());

        JsonNode sst2 = tasks.at("/serving/0");
        assertThat(sst2.get("task").asText()).isEqualTo("sst2");
        assertThat(sst2.get("version").asLong()).isEqualTo(1);
        assertThat(sst2.get("input").asText()).isEqualTo("SINGLE");
        assertThat(sst2.get("ffnKeepRatio").asDouble()).isCloseTo(0.3, Offset.offset(0.01));
        assertThat(sst2.get("headKeepRatio").asDouble()).isEqualTo(1.0);
        assertThat(sst2.get("promptLength").asInt()).isEqualTo(4);
        assertThat(sst2.get("deepPrompt").asBoolean()).as("shallow prompt").isFalse();
        assertThat(sst2.get("ffnUpdateRank").asInt()).as("no FFN update").isZero();
        assertThat(sst2.get("loadedAt").asText()).endsWith("Z");
        JsonNode mrpc = tasks.at("/refused/0");
        assertThat(mrpc.get("task").asText()).isEqualTo("mrpc");
        assertThat(mrpc.get("version").asLong()).isEqualTo(4);
        assertThat(mrpc.get("reason").asText()).contains("base model fingerprint");
        assertThat(tasks.get("swaps").asLong()).isEqualTo(1);
        assertThat(tasks.get("refusals").asLong()).isEqualTo(1);
    }

    @Test
    void shouldExposeServiceMetricsInPrometheusFormat() throws Exception {
        // Given some traffic and registry events
        registry.apply("sst2", TestEngine.skeleton("sst2", 1));
        metrics.batch("sst2", 4, 2_000_000);
        for (int i = 0; i < 4; i++) {
            metrics.labeled("sst2", "positive", 3.0, 20.0);
        }
        registry.apply("sst2", null);
        metrics.deadLetter(DeadLetterKind.EMPTY_TEXT);

        HttpResponse<String> response = get("/metrics");

        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain"));
        assertThat(response.body())
                .contains("skeleton_requests_total{outcome=\"labeled\",task=\"sst2\"} 4.0")
                .contains("skeleton_dead_letters_total{kind=\"EMPTY_TEXT\"} 1.0")
                .contains("skeleton_batch_size_sum{task=\"sst2\"} 4.0")
                .contains("skeleton_inference_time_seconds_sum{task=\"sst2\"} 0.002")
                .contains("skeleton_queue_time_seconds_sum{task=\"sst2\"} 0.012")
                .contains("skeleton_labels_total{label=\"positive\",task=\"sst2\"} 4.0")
                .contains("skeleton_latency_seconds_count{task=\"sst2\"} 4")
                .contains("skeleton_latency_seconds{task=\"sst2\",quantile=\"0.99\"}")
                .contains("skeleton_registry_swaps_total 1.0")
                .contains("skeleton_registry_retirements_total 1.0")
                .contains("skeleton_tasks_serving 0.0");
    }

    @Test
    void shouldServeDashboardStatsAsJson() throws Exception {
        // Given sst2 v1 serving, a refused mrpc v4, two labeled requests and a dead letter
        registry.apply("sst2", TestEngine.skeleton("sst2", 1));
        registry.apply("mrpc", TestEngine.foreignSkeleton("mrpc", 4));
        metrics.labeled("sst2", "positive", 1.0, 12.0);
        metrics.labeled("sst2", "negative", 1.0, 12.0);
        metrics.deadLetter(DeadLetterKind.NO_TASK);

        HttpResponse<String> response = get("/stats");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode stats = new ObjectMapper().readTree(response.body());
        assertThat(stats.at("/tasks/0/task").asText()).isEqualTo("sst2");
        assertThat(stats.at("/tasks/0/version").asLong()).isEqualTo(1);
        assertThat(stats.at("/tasks/0/labeled").asLong()).isEqualTo(2);
        assertThat(stats.at("/tasks/0/latencyMs/p50").asDouble()).isCloseTo(12.0, Offset.offset(0.5));
        assertThat(stats.at("/deadLetters/NO_TASK").asLong()).isEqualTo(1);
        assertThat(stats.at("/totals/deadLetters").asLong()).isEqualTo(1);
        assertThat(stats.at("/refused/0/task").asText()).isEqualTo("mrpc");
    }

    @Test
    void shouldServeTheDashboardPageAtRootAndDashboard() throws Exception {
        for (String path : new String[] {"/", "/dashboard"}) {
            HttpResponse<String> page = get(path);

            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).as(path).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).as(path).startsWith("<!DOCTYPE html>")
                    .contains("id=\"tasks\"", "id=\"dead-letters\"", "id=\"sparkline\"", "fetch(\"stats\"")
                    .doesNotContain("http://", "https://");
        }
    }

    @Test
    void shouldNameTheEndpointsOnUnknownPathAndRefuseOtherMethods() throws Exception {
        HttpResponse<String> missing = get("/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("/health", "/ready", "/tasks", "/metrics", "/stats", "/dashboard");

        HttpResponse<String> post = CLIENT.send(HttpRequest.newBuilder(uri("/tasks"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void shouldClassifyPostedRequestWithTheServingSkeleton() throws Exception {
        // Given sst2 v1 serving (the real engine)
        registry.apply("sst2", TestEngine.skeleton("sst2", 1));

        // When a JSON request is posted
        HttpResponse<String> response = post("{\"id\": \"h1\", \"task\": \"sst2\", \"text\": \"a gorgeous movie\"}");

        // Then the result names the request, a label of the skeleton, probabilities summing to 1 and the version
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = new ObjectMapper().readTree(response.body());
        assertThat(result.get("requestId").asText()).isEqualTo("h1");
        assertThat(result.get("skeletonVersion").asLong()).isEqualTo(1);
        assertThat(result.get("baseModel").asText()).isEqualTo(TestEngine.base().name());
        assertThat(result.get("label").asText()).isIn(TestEngine.skeleton("sst2", 1).getLabels());
        double sum = 0;
        for (JsonNode p : result.get("probabilities")) {
            sum += p.asDouble();
        }
        assertThat(sum).isCloseTo(1.0, within(1e-4));
        assertThat(result.get("timings").get("batchSize").asInt()).isEqualTo(1);
        assertThat(prometheus.scrape()).contains("skeleton_requests_total{outcome=\"labeled\",task=\"sst2\"} 1.0");
    }

    @Test
    void shouldAnswerBadPostsWithStatusAndReason() throws Exception {
        registry.apply("sst2", TestEngine.skeleton("sst2", 1));

        assertThat(post("{\"id\": 1, \"task\": ").statusCode()).as("broken JSON").isEqualTo(400);
        assertThat(post("{\"id\": 1, \"text\": \"no task\"}").body()).contains("names no task", "NO_TASK");
        HttpResponse<String> unknown = post("{\"id\": 1, \"task\": \"nope\", \"text\": \"x\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("UNKNOWN_TASK", "nope");
        HttpResponse<String> empty = post("{\"id\": 1, \"task\": \"sst2\", \"text\": \" \"}");
        assertThat(empty.statusCode()).isEqualTo(422);
        assertThat(empty.body()).contains("EMPTY_TEXT");
        HttpResponse<String> huge = post("{\"id\": 1, \"task\": \"sst2\", \"text\": \"" + "x".repeat(70_000) + "\"}");
        assertThat(huge.statusCode()).as("body over the limit for max.text.chars=100").isEqualTo(413);
        assertThat(get("/classify").statusCode()).as("GET /classify").isEqualTo(405);
    }

    private HttpResponse<String> post(String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri("/classify")).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAskForTheBearerTokenEverywhereButTheProbes() throws Exception {
        HttpAccess access = new HttpAccess(Optional.of("s3cret"), Duration.ofSeconds(5), 10);
        try (HttpEndpoints guarded = HttpEndpoints.start(vertx, "127.0.0.1", 0, access, state::get, stuck,
                new TasksView(registry, TestEngine.engines()), prometheus,
                new ClassifyEndpoint(direct, metrics, 100))) {
            URI tasks = URI.create("http://127.0.0.1:" + guarded.port() + "/tasks");

            HttpResponse<String> anonymous = CLIENT.send(HttpRequest.newBuilder(tasks).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> wrong = CLIENT.send(HttpRequest.newBuilder(tasks)
                    .header("Authorization", "Bearer s3crex").build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> right = CLIENT.send(HttpRequest.newBuilder(tasks)
                    .header("Authorization", "Bearer s3cret").build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> classify = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + guarded.port() + "/classify"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> health = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + guarded.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(classify.statusCode()).as("inference needs the token too").isEqualTo(401);
            assertThat(health.statusCode()).as("what an orchestrator probes stays open").isEqualTo(200);
        }
    }

    @Test
    void shouldNameHostAndPortWhenThePortIsTaken() {
        assertThatThrownBy(() -> HttpEndpoints.start(vertx, "127.0.0.1", endpoints.port(), HttpAccess.OPEN, state::get,
                stuck,
                new TasksView(registry, TestEngine.engines()), prometheus, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot listen on 127.0.0.1:" + endpoints.port())
                .hasMessageContaining("http.port");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + endpoints.port() + path);
    }
}
