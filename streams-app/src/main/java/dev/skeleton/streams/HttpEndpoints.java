package dev.skeleton.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's HTTP endpoints on Vert.x. All are {@code GET} and cheap enough for the event loop, except
 * {@code POST /classify}, whose inference runs on the inference workers ({@link ClassifyEndpoint}):
 * <ul>
 *   <li>{@code /health}: 200 while the service is alive, 503 once Kafka Streams has failed or stopped, or while an
 *       inference worker is stuck ({@link StuckWorkers});</li>
 *   <li>{@code /ready}: 200 once Kafka Streams is {@code RUNNING}, which it only becomes after the registry topic
 *       has been restored (every published skeleton queued to be built; a request for a task still being built
 *       waits for it), 503 before and while rebalancing;</li>
 *   <li>{@code /tasks}: serving skeletons and refused versions as JSON ({@link TasksView});</li>
 *   <li>{@code /metrics}: Prometheus text format ({@link ServiceMetrics});</li>
 *   <li>{@code /stats}: per-task versions, counts, throughput, latency and labels, dead letters by kind, refused
 *       versions, as JSON ({@link DashboardStats});</li>
 *   <li>{@code /} and {@code /dashboard}: a live dashboard page (one self-contained HTML file,
 *       {@value #DASHBOARD_PAGE} on the class path) that polls {@code /stats} every second;</li>
 *   <li>{@code POST /classify}: one JSON request in, its result out, through the stream's batcher and workers.</li>
 * </ul>
 * With a token ({@link HttpAccess}), every endpoint but {@code /health} and {@code /ready} (what an orchestrator
 * probes) answers 401 unless the request carries {@code Authorization: Bearer TOKEN}. Idle connections are closed,
 * and connections over the cap are closed as they arrive.
 */
public final class HttpEndpoints implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpEndpoints.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String DASHBOARD_PAGE = "dashboard/index.html";
    private static final long START_TIMEOUT_SECONDS = 30;
    /** What an orchestrator probes: answered without a token. */
    private static final Set<String> OPEN_PATHS = Set.of("/health", "/ready");
    private static final Set<State> DOWN = EnumSet.of(State.PENDING_ERROR, State.ERROR, State.PENDING_SHUTDOWN,
            State.NOT_RUNNING);

    private final HttpServer server;
    private final Supplier<State> state;
    private final Supplier<Optional<String>> trouble;
    private final TasksView tasks;
    private final PrometheusMeterRegistry prometheus;
    private final DashboardStats stats;
    private final String dashboard;
    private final ClassifyEndpoint classify;

    private HttpEndpoints(HttpServer server, Supplier<State> state, Supplier<Optional<String>> trouble,
            TasksView tasks, PrometheusMeterRegistry prometheus, ClassifyEndpoint classify) {
        this.server = server;
        this.classify = classify;
        this.state = state;
        this.trouble = trouble;
        this.tasks = tasks;
        this.prometheus = prometheus;
        this.stats = new DashboardStats(prometheus, tasks);
        this.dashboard = resource(DASHBOARD_PAGE);
    }

    /**
     * Listens on {@code host:port} (0: any free port) and returns once listening; a port in use or a bad host is an
     * {@link IllegalStateException} naming them.
     */
    static HttpEndpoints start(Vertx vertx, String host, int port, HttpAccess access, Supplier<State> state,
            Supplier<Optional<String>> trouble, TasksView tasks, PrometheusMeterRegistry prometheus,
            ClassifyEndpoint classify) {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                .setIdleTimeout((int) access.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
        HttpEndpoints endpoints = new HttpEndpoints(server, state, trouble, tasks, prometheus, classify);
        AtomicInteger open = new AtomicInteger();
        server.connectionHandler(connection -> {
            connection.closeHandler(v -> open.decrementAndGet());
            if (open.incrementAndGet() > access.maxConnections()) {
                connection.close();
            }
        });
        server.requestHandler(request -> {
            if (OPEN_PATHS.contains(request.path()) || access.allows(request.getHeader("Authorization"))) {
                endpoints.handle(request);
            } else {
                request.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer").end();
            }
        });
        await(endpoints.server.listen(port, host), "cannot listen on " + host + ":" + port + " (http.host, "
                + "http.port)");
        log.info("HTTP endpoints on http://{}:{}/ (health, ready, tasks, metrics, stats, dashboard, POST classify)",
                host,
                endpoints.server.actualPort());
        return endpoints;
    }

    /** The port listened on (the chosen one when started with 0). */
    public int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest request) {
        if (request.path().equals(ClassifyEndpoint.PATH)) {
            if (request.method() == HttpMethod.POST) {
                classify.handle(request);
            } else {
                request.response().setStatusCode(405).putHeader("Allow", "POST").end();
            }
            return;
        }
        if (request.method() != HttpMethod.GET) {
            request.response().setStatusCode(405).putHeader("Allow", "GET").end();
            return;
        }
        switch (request.path()) {
            case "/health" -> health(request);
            case "/ready" -> ready(request);
            case "/tasks" -> json(request, 200, tasks.json());
            case "/metrics" -> request.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(prometheus.scrape());
            case "/stats" -> json(request, 200, stats.json());
            case "/", "/dashboard" -> request.response().putHeader("Content-Type", "text/html; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache").end(dashboard);
            default -> json(request, 404, JSON.createObjectNode().put("error", "no such endpoint: " + request.path()
                    + "; try /health, /ready, /tasks, /metrics, /stats, /dashboard or POST /classify"));
        }
    }

    private void health(HttpServerRequest request) {
        State now = state.get();
        Optional<String> problem = trouble.get();
        boolean up = !DOWN.contains(now) && problem.isEmpty();
        ObjectNode body = JSON.createObjectNode().put("status", up ? "UP" : "DOWN").put("streams", now.name());
        problem.ifPresent(p -> body.put("problem", p));
        json(request, up ? 200 : 503, body);
    }

    private void ready(HttpServerRequest request) {
        State now = state.get();
        boolean ready = now == State.RUNNING;
        json(request, ready ? 200 : 503, JSON.createObjectNode().put("ready", ready).put("streams", now.name()));
    }

    private static void json(HttpServerRequest request, int status, ObjectNode body) {
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(body.toString());
    }

    private static String resource(String name) {
        try (InputStream in = HttpEndpoints.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name, e);
        }
    }

    @Override
    public void close() {
        await(server.close(), "closing the HTTP server");
    }

    private static void await(Future<?> future, String what) {
        try {
            future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + ": interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + ": no answer within " + START_TIMEOUT_SECONDS + " s", e);
        }
    }
}
