package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skeleton.streams.classify.DeadLetterKind;
import dev.skeleton.streams.registry.SkeletonRegistry;
import dev.skeleton.streams.testkit.TestEngine;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.streams.KafkaStreams.State;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard page in headless Chromium against real HTTP endpoints, registry and meters (no broker: events are
 * fed to {@link ServiceMetrics} directly). One page load: it must render what {@code /stats} says, then follow new
 * traffic and a new version without being reloaded.
 *
 * <p>Chromium is driven over the DevTools protocol (a WebSocket, with the JDK's client): open a tab, evaluate
 * {@code document.querySelector(...)} in it until the expected text shows. Page script exceptions fail the test.
 * Skipped where {@code /usr/bin/chromium} is not installed ({@code apt-get install chromium}). With the
 * environment variable {@code DASHBOARD_SCREENSHOT=FILE.png} it saves what the page finally showed.
 */
class DashboardBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Vertx vertx;
    private SkeletonRegistry registry;
    private ServiceMetrics metrics;
    private HttpEndpoints endpoints;

    @BeforeEach
    void start() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is not installed (apt-get install "
                + "chromium); skipping the dashboard browser test");
        vertx = Vertx.vertx();
        registry = new SkeletonRegistry(TestEngine.engine()::load);
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics = new ServiceMetrics(prometheus);
        metrics.watch(registry);
        endpoints = HttpEndpoints.start(vertx, "127.0.0.1", 0, HttpAccess.OPEN, () -> State.RUNNING, Optional::empty,
                new TasksView(registry, TestEngine.engines()), prometheus, null);
    }

    @AfterEach
    void stop() throws Exception {
        if (endpoints != null) {
            endpoints.close();
            registry.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void shouldRenderTasksCountsAndDeadLettersAndFollowNewTraffic() throws Exception {
        // Given sst2 v1 serving, mrpc v4 refused, 4 sst2 requests labeled and 2 empty texts dead-lettered
        registry.apply("sst2", TestEngine.skeleton("sst2", 1));
        registry.apply("mrpc", TestEngine.foreignSkeleton("mrpc", 4));
        label("positive", 3);
        label("negative", 1);
        metrics.deadLetter(DeadLetterKind.EMPTY_TEXT);
        metrics.deadLetter(DeadLetterKind.EMPTY_TEXT);

        try (Chromium chromium = Chromium.start(tmp); Chromium.Page page = chromium.open(
                "http://127.0.0.1:" + endpoints.port() + "/dashboard")) {
            // When the page has polled /stats
            page.awaitText("#status", "live"::equals);

            // Then it shows the task, its version, counts, labels, dead letters and the refused version
            String sst2 = "#tasks tr[data-task=\"sst2\"] ";
            assertThat(page.text(sst2 + "[data-field=\"task\"]")).isEqualTo("sst2");
            assertThat(page.text(sst2 + "[data-field=\"version\"]")).isEqualTo("1");
            assertThat(page.text(sst2 + "[data-field=\"labeled\"]")).isEqualTo("4");
            assertThat(page.text(sst2 + "[data-field=\"ffn-keep\"]")).endsWith("%");
            assertThat(Double.parseDouble(page.text(sst2 + "[data-field=\"p50\"]"))).isCloseTo(10.0,
                    Offset.offset(0.5));
            assertThat(page.text("#total-tasks")).isEqualTo("1");
            assertThat(page.text("#total-labeled")).isEqualTo("4");
            assertThat(page.text("#total-dead-letters")).isEqualTo("2");
            assertThat(page.attribute(labelRow("positive"), "data-count")).isEqualTo("3");
            assertThat(page.attribute(labelRow("negative"), "data-count")).isEqualTo("1");
            assertThat(page.text(deadLetters("EMPTY_TEXT"))).isEqualTo("2");
            assertThat(page.text(deadLetters("NO_TASK"))).isEqualTo("0");
            assertThat(page.text("#refused tr[data-task=\"mrpc\"] [data-field=\"version\"]")).isEqualTo("4");
            int updates = Integer.parseInt(page.attribute("#status", "data-updates"));
            assertThat(updates).isPositive();

            // When sst2 v2 replaces v1 and more traffic comes, with the page left open
            registry.apply("sst2", TestEngine.skeleton("sst2", 2));
            label("positive", 6);
            metrics.deadLetter(DeadLetterKind.NO_TASK);

            // Then the same page follows: version, counts, labels, dead letters, throughput and its sparkline
            page.awaitText(sst2 + "[data-field=\"labeled\"]", "10"::equals);
            page.awaitText(sst2 + "[data-field=\"version\"]", "2"::equals);
            page.awaitText("#total-labeled", "10"::equals);
            page.awaitText(deadLetters("NO_TASK"), "1"::equals);
            page.awaitText("#total-dead-letters", "3"::equals);
            assertThat(page.attribute(labelRow("positive"), "data-count")).isEqualTo("9");
            page.awaitText("#total-rate", rate -> Double.parseDouble(rate) > 0);
            page.awaitAttribute("#sparkline", "data-points", n -> Integer.parseInt(n) >= 2);
            assertThat(Integer.parseInt(page.attribute("#status", "data-updates"))).isGreaterThan(updates);
            assertThat(chromium.exceptions()).as("script exceptions on the page").isEmpty();
            String screenshot = System.getenv("DASHBOARD_SCREENSHOT");
            if (screenshot != null) {
                page.screenshot(Path.of(screenshot));
            }
        }
    }

    private void label(String label, int n) {
        for (int i = 0; i < n; i++) {
            metrics.labeled("sst2", label, 1.0, 10.0);
        }
    }

    private static String labelRow(String label) {
        return "#labels [data-task=\"sst2\"] [data-label=\"" + label + "\"]";
    }

    private static String deadLetters(String kind) {
        return "#dead-letters tr[data-kind=\"" + kind + "\"] [data-field=\"count\"]";
    }

    /**
     * Headless Chromium with a fresh profile, driven over the DevTools protocol: one browser-level WebSocket, pages
     * attached as flat sessions.
     */
    static final class Chromium implements AutoCloseable {

        private final Process process;
        private final Path log;
        private final WebSocket socket;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final List<String> exceptions = new CopyOnWriteArrayList<>();

        private Chromium(Process process, Path log, WebSocket socket) {
            this.process = process;
            this.log = log;
            this.socket = socket;
        }

        static Chromium start(Path dir) throws Exception {
            Path profile = Files.createDirectories(dir.resolve("profile"));
            Path log = dir.resolve("chromium.log");
            Process process = new ProcessBuilder(CHROMIUM.toString(), "--headless=new", "--no-sandbox",
                    "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                    "--disable-extensions", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
                    "--user-data-dir=" + profile, "about:blank")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                // Chromium writes the port it chose and the browser's WebSocket path once it listens
                Path activePort = profile.resolve("DevToolsActivePort");
                long deadline = System.nanoTime() + WAIT.toNanos();
                List<String> lines = List.of();
                while (lines.size() < 2) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("Chromium did not open its DevTools port ("
                                + (process.isAlive() ? "timed out" : "exited " + process.exitValue()) + "):\n"
                                + Files.readString(log));
                    }
                    Thread.sleep(100);
                    lines = Files.exists(activePort) ? Files.readAllLines(activePort) : List.of();
                }
                URI uri = URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
                Chromium[] self = new Chromium[1];
                WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                        .buildAsync(uri, new Listener(message -> self[0].receive(message)))
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                self[0] = new Chromium(process, log, socket);
                return self[0];
            } catch (Exception | Error e) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw e;
            }
        }

        /** A new tab on {@code url}, with script exceptions collected. */
        Page open(String url) throws Exception {
            String target = call("Target.createTarget", JSON.createObjectNode().put("url", "about:blank"), null)
                    .get("targetId").asText();
            String session = call("Target.attachToTarget", JSON.createObjectNode().put("targetId", target)
                    .put("flatten", true), null).get("sessionId").asText();
            call("Runtime.enable", JSON.createObjectNode(), session);
            call("Page.enable", JSON.createObjectNode(), session);
            call("Page.navigate", JSON.createObjectNode().put("url", url), session);
            return new Page(target, session);
        }

        /** Uncaught exceptions and rejected promises on any page so far. */
        List<String> exceptions() {
            return List.copyOf(exceptions);
        }

        private JsonNode call(String method, ObjectNode params, String session) throws Exception {
            int id = ids.incrementAndGet();
            ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
            message.set("params", params);
            if (session != null) {
                message.put("sessionId", session);
            }
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            pending.put(id, answer);
            synchronized (socket) {
                socket.sendText(message.toString(), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            try {
                return answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } finally {
                pending.remove(id);
            }
        }

        private void receive(String text) {
            JsonNode message;
            try {
                message = JSON.readTree(text);
            } catch (IOException e) {
                exceptions.add("unreadable DevTools message: " + text);
                return;
            }
            if (message.has("id")) {
                CompletableFuture<JsonNode> answer = pending.get(message.get("id").asInt());
                if (answer != null) {
                    if (message.has("error")) {
                        answer.completeExceptionally(new IllegalStateException(message.get("error").toString()));
                    } else {
                        answer.complete(message.get("result"));
                    }
                }
            } else if ("Runtime.exceptionThrown".equals(message.path("method").asText())) {
                exceptions.add(message.at("/params/exceptionDetails").toString());
            }
        }

        @Override
        public void close() throws Exception {
            List<ProcessHandle> children = process.descendants().toList();
            try {
                call("Browser.close", JSON.createObjectNode(), null);
            } catch (Exception e) {
                // it may close the socket before answering; the process check below is what counts
            }
            socket.abort();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            children.forEach(ProcessHandle::destroyForcibly);
        }

        /** A tab, queried by evaluating DOM expressions in it. */
        final class Page implements AutoCloseable {

            private final String target;
            private final String session;

            private Page(String target, String session) {
                this.target = target;
                this.session = session;
            }

            /** The text of the first element matching {@code selector}, or null when none does. */
            String text(String selector) throws Exception {
                return evaluate("(function(){var e=document.querySelector(" + JSON.writeValueAsString(selector)
                        + ");return e?e.textContent:null;})()");
            }

            /** An attribute of the first element matching {@code selector}, or null. */
            String attribute(String selector, String name) throws Exception {
                return evaluate("(function(){var e=document.querySelector(" + JSON.writeValueAsString(selector)
                        + ");return e?e.getAttribute(" + JSON.writeValueAsString(name) + "):null;})()");
            }

            /** Waits until the text of {@code selector} exists and passes {@code expected}; fails naming both. */
            void awaitText(String selector, Predicate<String> expected) throws Exception {
                await(selector, () -> text(selector), expected);
            }

            void awaitAttribute(String selector, String name, Predicate<String> expected) throws Exception {
                await(selector + " @" + name, () -> attribute(selector, name), expected);
            }

            private void await(String what, Query query, Predicate<String> expected) throws Exception {
                long deadline = System.nanoTime() + WAIT.toNanos();
                AtomicReference<String> last = new AtomicReference<>();
                while (System.nanoTime() < deadline) {
                    last.set(query.get());
                    if (last.get() != null && expected.test(last.get())) {
                        return;
                    }
                    Thread.sleep(100);
                }
                fail(what + " is still '" + last.get() + "' after " + WAIT.toSeconds() + " s; status: "
                        + text("#status") + "; script exceptions: " + exceptions + "; Chromium log:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }

            /** Saves a PNG of the page, 1280 px wide. */
            void screenshot(Path file) throws Exception {
                call("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", 1280)
                        .put("height", 900).put("deviceScaleFactor", 1).put("mobile", false), session);
                String png = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png")
                        .put("captureBeyondViewport", true), session).get("data").asText();
                Files.write(file, Base64.getDecoder().decode(png));
            }

            private String evaluate(String expression) throws Exception {
                JsonNode result = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                        .put("returnByValue", true), session);
                if (result.has("exceptionDetails")) {
                    throw new IllegalStateException(expression + ": " + result.get("exceptionDetails"));
                }
                JsonNode value = result.at("/result/value");
                return value.isMissingNode() || value.isNull() ? null : value.asText();
            }

            @Override
            public void close() throws Exception {
                call("Target.closeTarget", JSON.createObjectNode().put("targetId", target), null);
            }
        }

        @FunctionalInterface
        private interface Query {
            String get() throws Exception;
        }

        /** Hands each whole text message (reassembled from its frames) to {@code sink}. */
        private static final class Listener implements WebSocket.Listener {

            private final Consumer<String> sink;
            private final StringBuilder partial = new StringBuilder();

            Listener(Consumer<String> sink) {
                this.sink = sink;
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String message = partial.toString();
                    partial.setLength(0);
                    sink.accept(message);
                }
                webSocket.request(1);
                return null;
            }
        }
    }
}
