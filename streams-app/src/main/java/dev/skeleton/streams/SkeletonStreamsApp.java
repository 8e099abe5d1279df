package dev.skeleton.streams;

import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.runtime.BaseEngines;
import dev.skeleton.streams.classify.TaskClassifier;
import dev.skeleton.streams.registry.RegistryTaskClassifier;
import dev.skeleton.streams.registry.SkeletonRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
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
 * and HTTP endpoints, metrics, topology and Kafka Streams, opened in dependency order and closed in reverse, so
 * that nothing uses a model while it is closed (see {@link CloseStack}).
 *
 * <p>{@link #run(StreamsAppConfig)} is the blocking entry point for a command line; {@link #start} returns a
 * running instance for embedding and tests.
 */
public final class SkeletonStreamsApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SkeletonStreamsApp.class);
    /** Of the grace period, what Kafka Streams leaves to the rest of the stop (workers, HTTP, Vert.x, admin). */
    private static final Duration AFTER_STREAMS = Duration.ofSeconds(3);
    /** How long a start waits for the versions the registry topic held to be built (about 50 ms each, idle). */
    private static final Duration REGISTRY_BUILD_TIMEOUT = Duration.ofMinutes(2);

    private final Duration grace;
    private final CloseStack opened = new CloseStack();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private SkeletonRegistry registry;
    private ServiceMetrics metrics;
    private KafkaStreams streams;
    private HttpEndpoints http;

    private SkeletonStreamsApp(Duration grace) {
        this.grace = grace;
    }

    /** Starts the service on the base models its configuration names. */
    public static SkeletonStreamsApp start(StreamsAppConfig config) {
        return start(config, config.loadBaseModels());
    }

    /** {@link #start(StreamsAppConfig, List)} on one base model. */
    public static SkeletonStreamsApp start(StreamsAppConfig config, BaseModel base) {
        return start(config, List.of(base));
    }

    /**
     * Starts the service on {@code bases}: creates missing topics, then starts Kafka Streams, which first replays
     * the registry topic (queuing every task's model to be built on its base) and then processes requests. Returns
     * once started and those models are built; if starting fails, closes what it had opened, as {@link #close()} does,
     * and rethrows.
     */
    public static SkeletonStreamsApp start(StreamsAppConfig config, List<BaseModel> bases) {
        log.info("starting {} on {}: {}", config.applicationId(), config.bootstrapServers(), config.values());
        SkeletonStreamsApp app = new SkeletonStreamsApp(config.shutdownGrace());
        try {
            app.open(config, bases);
            return app;
        } catch (RuntimeException | Error e) {
            app.close();
            throw e;
        }
    }

    /** Opens every component in dependency order, pushing each on {@link #opened} as soon as it exists. */
    private void open(StreamsAppConfig config, List<BaseModel> bases) {
        Vertx vertx = Vertx.vertx();
        opened.push("Vert.x", timeout -> closeVertx(vertx, timeout));
        InferenceWorkers workers = new VertxInferenceWorkers(vertx, config.inferenceWorkers());
        opened.push("inference workers", timeout -> workers.close());
        BaseEngines engines = new BaseEngines(bases, config.engineConfig());
        SkeletonRegistry models = new SkeletonRegistry(engines::load, config.registryLoadThreads());
        registry = models;
        // Closed once nothing submits batches any more (Kafka Streams and HTTP are closed by then). Native memory a
        // running batch may still read is freed only when the workers are idle.
        opened.push("models and engines", timeout -> {
            if (workers.awaitIdle(timeout)) {
                models.close();
                engines.close();
            } else {
                log.warn("an inference batch still runs at the end of the grace period: its models and the base "
                        + "model's weights stay allocated until the process exits");
            }
        });
        // before any skeleton arrives, on the threads that will build them: the first hot swap must not pay for a
        // thread's first session and a cold JIT
        models.warmUpLoadThreads(engines::warmUp);
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(prometheus);
        new ProcessorMetrics().bindTo(prometheus);
        metrics = new ServiceMetrics(prometheus);
        metrics.watch(models);

        Admin admin = Admin.create(config.adminProperties());
        opened.push("admin client", admin::close);
        Topics topics = new Topics(config);
        TopicBootstrap topicBootstrap = new TopicBootstrap(admin, config.replicationFactor());
        topicBootstrap.ensureAll(topics);
        if (topics.outputPerTask()) {
            models.onLoaded(model -> topicBootstrap.ensure(topics.outputTopicFor(model.taskId()), Map.of()));
        }

        StreamsBuilder builder = new StreamsBuilder();
        TaskClassifier classifier = new RegistryTaskClassifier(models);
        SkeletonTopology.build(builder, config, classifier, workers, metrics);
        SkeletonTopology.addRegistry(builder, config, models);
        Properties props = config.toStreamsProperties();
        Topology topology = builder.build(props);
        log.debug("topology:\n{}", topology.describe());
        streams = new KafkaStreams(topology, props);
        opened.push("Kafka Streams", this::closeStreams);
        // Kafka Streams' own metrics cover a request's phases outside the processor: the consumer's fetch, the
        // thread's poll, process and commit latency, the producer's batching and request latency
        KafkaStreamsMetrics kafkaMetrics = new KafkaStreamsMetrics(streams);
        kafkaMetrics.bindTo(prometheus);
        opened.push("Kafka Streams metrics", timeout -> kafkaMetrics.close());
        streams.setStateListener((now, before) -> {
            log.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
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
            DirectClassifier direct = new DirectClassifier(config.batchSettings(), classifier,
                    new WorkerShare(workers, config.httpClassifyMaxWorkers()), metrics::batch);
            opened.push("direct classifier", timeout -> direct.close());
            http = HttpEndpoints.start(vertx, config.httpHost(), config.httpPort().get(), config.httpAccess(),
                    streams::state, new StuckWorkers(workers, config.batchSettings().inferenceTimeout()),
                    new TasksView(models, engines), prometheus, new ClassifyEndpoint(direct, metrics,
                    config.maxTextChars()));
            opened.push("HTTP endpoints", timeout -> http.close());
        }
        streams.start();
        // start() returns after the global store's restore, which queued every version in the registry topic; build
        // them before returning, as a start did when they were built on the restoring thread
        if (!models.awaitSubmitted(REGISTRY_BUILD_TIMEOUT)) {
            log.warn("the registry's versions were not all built within {} s of the start; requests for a task still "
                    + "building wait for it", REGISTRY_BUILD_TIMEOUT.toSeconds());
        }
    }

    /** Kafka Streams forwards every held result and commits; the rest of the stop gets {@link #AFTER_STREAMS}. */
    private void closeStreams(Duration timeout) {
        Duration forStreams = timeout.minus(AFTER_STREAMS);
        forStreams = forStreams.isNegative() ? Duration.ZERO : forStreams;
        if (!streams.close(forStreams)) {
            log.warn("Kafka Streams did not stop within {} ms; results not yet committed will be processed again "
                    + "(at least once) or aborted (exactly once)", forStreams.toMillis());
        }
        stopped.countDown();
    }

    /**
     * Runs the service until the process is asked to stop (SIGTERM, Ctrl-C: an orderly close, then return) or Kafka
     * Streams stops on an error.
     */
    public static void run(StreamsAppConfig config) {
        run(config, config.loadBaseModels());
    }

    /** {@link #run(StreamsAppConfig)} on the base models {@code bases}. */
    public static void run(StreamsAppConfig config, List<BaseModel> bases) {
        try (SkeletonStreamsApp app = start(config, bases)) {
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
     * Stops the HTTP endpoints, then Kafka Streams (which forwards every held result and commits), then the inference
     * workers, then releases models and the engine, all within the grace period ({@code shutdown.grace.ms}): the
     * reverse of the order they were opened in. The models and the base model's native weights are freed only once
     * no batch runs: a batch still running at the end of the grace period keeps them until the process exits.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        log.info("stopping within {} ms (shutdown.grace.ms)", grace.toMillis());
        opened.closeAll(grace);
        stopped.countDown();
        log.info("stopped in {} ms", Duration.ofNanos(System.nanoTime() - start).toMillis());
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
     * {@code java -jar skeleton-service.jar [CONFIG.properties...] [key=value...]}: settings from the files in order,
     * then from the arguments (later wins), as {@code ./skeleton run}. Exits 2 on a bad configuration.
     */
    public static void main(String[] args) {
        List<Path> files = new ArrayList<>();
        Map<String, String> settings = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                settings.put(arg.substring(0, eq).strip(), arg.substring(eq + 1).strip());
            } else {
                files.add(Path.of(arg));
            }
        }
        StreamsAppConfig config;
        try {
            config = StreamsAppConfig.fromFiles(files, settings);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        run(config);
    }
}
