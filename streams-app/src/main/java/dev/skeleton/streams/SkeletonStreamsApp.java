package dev.skeleton.streams;

import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.runtime.SkeletonEngine;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: configuration, base model and engine, skeleton registry, Vert.x with its inference workers
 * and HTTP endpoints, metrics, topology and Kafka Streams, wired together and shut down in reverse order (Kafka Streams first, so no thread
 * uses a model while it is closed).
 *
 * <p>{@link #run(StreamsAppConfig)} is the blocking entry point for a command line; {@link #start} returns a
 * running instance for embedding and tests.
 */
public final class SkeletonStreamsApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SkeletonStreamsApp.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** Of the grace period, what Kafka Streams leaves to the rest of the stop (workers, HTTP, Vert.x, admin). */
    private static final Duration AFTER_STREAMS = Duration.ofSeconds(3);

    private final SkeletonEngine engine;
    private final SkeletonRegistry registry;
    private final Vertx vertx;
    private final InferenceWorkers workers;
    private final Admin admin;
    private final KafkaStreams streams;
    private final ServiceMetrics metrics;
    private final Duration grace;
    private HttpEndpoints http;
    private DirectClassifier direct;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    private SkeletonStreamsApp(SkeletonEngine engine, SkeletonRegistry registry, Vertx vertx, InferenceWorkers workers,
            Admin admin, KafkaStreams streams, ServiceMetrics metrics, Duration grace) {
        this.engine = engine;
        this.grace = grace;
        this.registry = registry;
        this.vertx = vertx;
        this.workers = workers;
        this.admin = admin;
        this.streams = streams;
        this.metrics = metrics;
    }

    /** Starts the service on the embedded default base model. */
    public static SkeletonStreamsApp start(StreamsAppConfig config) {
        return start(config, BaseModel.loadDefault());
    }

    /**
     * Starts the service on {@code base}: creates missing topics, then starts Kafka Streams, which first replays
     * the registry topic (building every task's model) and then processes requests. Returns once started.
     */
    public static SkeletonStreamsApp start(StreamsAppConfig config, BaseModel base) {
        log.info("starting {} on {}: {}", config.applicationId(), config.bootstrapServers(), config.values());
        SkeletonEngine engine = new SkeletonEngine(base, config.engineConfig());
        SkeletonRegistry registry = new SkeletonRegistry(engine::load);
        Vertx vertx = Vertx.vertx();
        InferenceWorkers workers = new VertxInferenceWorkers(vertx, config.inferenceWorkers());
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(prometheus);
        new ProcessorMetrics().bindTo(prometheus);
        ServiceMetrics metrics = new ServiceMetrics(prometheus);
        metrics.watch(registry);
        Admin admin = null;
        KafkaStreams streams = null;
        HttpEndpoints http = null;
        DirectClassifier direct = null;
        try {
            admin = Admin.create(config.adminProperties());
            Topics topics = new Topics(config);
            TopicBootstrap topicBootstrap = new TopicBootstrap(admin, config.replicationFactor());
            topicBootstrap.ensureAll(topics);
            if (topics.outputPerTask()) {
                registry.onLoaded(model -> topicBootstrap.ensure(topics.outputTopicFor(model.taskId()), Map.of()));
            }

            StreamsBuilder builder = new StreamsBuilder();
            TaskClassifier classifier = new RegistryTaskClassifier(registry);
            SkeletonTopology.build(builder, config, classifier, workers, metrics);
            SkeletonTopology.addRegistry(builder, config, registry);
            Properties props = config.toStreamsProperties();
            Topology topology = builder.build(props);
            log.debug("topology:\n{}", topology.describe());

            streams = new KafkaStreams(topology, props);
            SkeletonStreamsApp app = new SkeletonStreamsApp(engine, registry, vertx, workers, admin, streams, metrics,
                    config.shutdownGrace());
            streams.setStateListener((now, before) -> {
                log.info("Kafka Streams {} -> {}", before, now);
                if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                    app.stopped.countDown();
                }
            });
            // Record-level failures never reach here (they become dead letters). What does is infrastructure
            // failure; stopping the client, not looping on it, lets the deployment restart from committed offsets.
            streams.setUncaughtExceptionHandler(e -> {
                log.error("stream thread failed; shutting the service down", e);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            // before start: /health and /ready answer while the registry restores (start blocks until it has)
            if (config.httpPort().isPresent()) {
                KafkaStreams s = streams;
                direct = new DirectClassifier(config.batchSettings(), classifier,
                        new WorkerShare(workers, config.httpClassifyMaxWorkers()), metrics::batch);
                app.direct = direct;
                http = HttpEndpoints.start(vertx, config.httpHost(), config.httpPort().get(), config.httpAccess(),
                        s::state, new StuckWorkers(workers, config.batchSettings().inferenceTimeout()),
                        new TasksView(registry, base), prometheus, new ClassifyEndpoint(direct, metrics,
                        config.maxTextChars()));
                app.http = http;
            }
            streams.start();
            return app;
        } catch (RuntimeException e) {
            if (streams != null) {
                streams.close(CLOSE_TIMEOUT);
            }
            if (http != null) {
                http.close();
            }
            if (direct != null) {
                direct.close();
            }
            workers.close();
            closeVertx(vertx, CLOSE_TIMEOUT);
            registry.close();
            engine.close();
            if (admin != null) {
                admin.close();
            }
            throw e;
        }
    }

    /**
     * Runs the service until the process is asked to stop (SIGTERM, Ctrl-C: an orderly close, then return) or Kafka
     * Streams stops on an error.
     */
    public static void run(StreamsAppConfig config) {
        run(config, BaseModel.loadDefault());
    }

    /** {@link #run(StreamsAppConfig)} on the base model {@code base}. */
    public static void run(StreamsAppConfig config, BaseModel base) {
        try (SkeletonStreamsApp app = start(config, base)) {
            // not a shutdown hook: see StopSignals for why inference must stop before the JVM exits
            StopSignals.onStop(app::close);
            app.awaitStop();
            if (app.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("Kafka Streams stopped on an error; see the log above");
            }
        }
    }

    /** Blocks until Kafka Streams has stopped (after {@link #close()} or an error). */
    public void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until Kafka Streams is {@code RUNNING} with a skeleton serving each of {@code tasks}; returns false if
     * that has not happened within {@code timeout}.
     */
    public boolean awaitServing(Collection<String> tasks, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!(state() == KafkaStreams.State.RUNNING && registry.versions().keySet().containsAll(tasks))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public SkeletonRegistry registry() {
        return registry;
    }

    /** The port of the HTTP endpoints, if they are on. */
    public OptionalInt httpPort() {
        return http == null ? OptionalInt.empty() : OptionalInt.of(http.port());
    }

    public ServiceMetrics metrics() {
        return metrics;
    }

    /**
     * Stops Kafka Streams (which forwards every held result and commits), then the inference workers, then releases
     * models and the engine, all within the grace period ({@code shutdown.grace.ms}). The models and the base model's
     * native weights are freed only once no batch runs: a batch still running at the end of the grace period keeps
     * them until the process exits. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + grace.toNanos();
        log.info("stopping within {} ms (shutdown.grace.ms)", grace.toMillis());
        Duration forStreams = left(deadline).minus(AFTER_STREAMS);
        if (!streams.close(forStreams.isNegative() ? Duration.ZERO : forStreams)) {
            log.warn("Kafka Streams did not stop within {} ms; results not yet committed will be processed again "
                    + "(at least once) or aborted (exactly once)", forStreams.toMillis());
        }
        stopped.countDown();
        if (http != null) {
            http.close();
        }
        if (direct != null) {
            direct.close();
        }
        workers.close();
        boolean idle = workers.awaitIdle(left(deadline));
        closeVertx(vertx, left(deadline));
        if (idle) {
            registry.close();
            engine.close();
        } else {
            log.warn("an inference batch still runs at the end of the grace period: its models and the base model's "
                    + "weights stay allocated until the process exits");
        }
        admin.close(left(deadline));
        log.info("stopped in {} ms", Duration.ofNanos(System.nanoTime() - start).toMillis());
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static void closeVertx(Vertx vertx, Duration timeout) {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("closing Vert.x failed: {}", e.toString());
        }
    }

    /**
     * {@code SkeletonStreamsApp [CONFIG.properties] [key=value...]}: settings from the file, then from the
     * arguments (later wins). Exits 2 on a bad configuration.
     */
    public static void main(String[] args) throws IOException {
        Properties props = new Properties();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                props.setProperty(arg.substring(0, eq), arg.substring(eq + 1));
            } else {
                try (Reader in = Files.newBufferedReader(Path.of(arg))) {
                    props.load(in);
                }
            }
        }
        StreamsAppConfig config;
        try {
            config = StreamsAppConfig.fromProperties(props);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        run(config);
    }
}
