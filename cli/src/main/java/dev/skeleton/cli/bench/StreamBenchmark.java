package dev.skeleton.cli.bench;

import dev.skeleton.avro.ClassificationRequest;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.cli.live.RequestSender;
import dev.skeleton.cli.live.ResultCollector;
import dev.skeleton.cli.streams.RegistryClient;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.runtime.EngineConfig;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.runtime.SpeedStats;
import dev.skeleton.engine.runtime.TaskModel;
import dev.skeleton.engine.text.TextInput;
import dev.skeleton.streams.ServiceMetrics;
import dev.skeleton.streams.SkeletonStreamsApp;
import dev.skeleton.streams.StreamsAppConfig;
import dev.skeleton.streams.registry.SwapPhase;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * {@code bench --stream}: the service end to end through a real broker. For each variant (batch size 1, then
 * dynamic batching) a fresh service instance on fresh topics gets the task's skeleton from its registry topic, then
 * (1) a flood of requests sent as fast as possible, for throughput (first send to last label read), and (2) requests
 * paced at half that throughput, for latency (send to label read, as a downstream consumer sees it). On the dynamic
 * variant, new versions are then published while requests flow, timed from the publish call to the first label of
 * the new version. The raw engine's batched throughput on the same skeleton and sentences is measured in the same run,
 * in the same process, for the ratio: from one caller on every core, and from as many callers as the service has
 * workers, each on the threads the service gives a worker; the better of the two is what the service is held to.
 */
public final class StreamBenchmark {

    /** Batch size of the raw engine figure, and the dynamic variant's batch.max.size. */
    static final int BATCH = 32;
    private static final int WARMUP_MESSAGES = 64;
    private static final int RAW_REPETITIONS = 5;
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration SWAP_TIMEOUT = Duration.ofSeconds(30);
    private static final int BURST_REPETITIONS = 3;

    /**
     * What to run.
     *
     * @param bootstrapServers the cluster (the embedded broker's when the user gave none)
     * @param brokerDescription for the report
     * @param skeleton         the task's skeleton, as published
     * @param messages         requests in each throughput phase
     * @param latencySeconds   length of each latency phase
     * @param swaps            versions published in the hot-swap phase
     * @param threads          cores for the engine: the raw engine's threads, and the service's engine.threads by its
     *                         default rule for each variant's workers
     * @param partitions       partitions of the input topics
     * @param guarantee        processing.guarantee of the service
     * @param batchDelayMs     batch.max.delay.ms of the dynamic variants
     * @param burst            new tasks published at once in the burst phase; 0 skips it
     * @param brokerGc         the broker JVM's GC pauses so far, or null when it is not a JVM of the benchmark's own
     *                         (the same JVM, or a cluster given by the user)
     */
    public record Settings(String bootstrapServers, String brokerDescription, TaskSkeleton skeleton, int messages,
            double latencySeconds, int swaps, int threads, int partitions, String guarantee, int batchDelayMs,
            int burst, Supplier<List<BrokerGcLog.Pause>> brokerGc) {}

    private final BaseModel base;
    private final Settings settings;
    private final SentenceSource sentences;
    private final Consumer<String> progress;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);

    public StreamBenchmark(BaseModel base, Settings settings, SentenceSource sentences, Consumer<String> progress) {
        this.base = base;
        this.settings = settings;
        this.sentences = sentences;
        this.progress = progress;
    }

    public StreamBenchReport run() {
        String task = settings.skeleton().getTaskId();
        progress.accept("raw engine: " + task + " v" + settings.skeleton().getVersion() + ", batches of " + BATCH);
        int defaultWorkers = StreamsAppConfig.fromProperties(baseProperties()).inferenceWorkers();
        double raw = rawThroughput(BATCH, 1, settings.threads());
        double rawSingle = rawThroughput(1, 1, settings.threads());
        int workerThreads = engineThreads(defaultWorkers);
        double rawParallel = rawThroughput(BATCH, defaultWorkers, workerThreads);
        progress.accept(String.format("raw engine: %.1f seq/s in batches of %d (%d callers in parallel: %.1f), %.1f "
                + "one at a time", raw, BATCH, defaultWorkers, rawParallel, rawSingle));
        List<StreamBenchReport.Variant> variants = new ArrayList<>();
        StreamBenchReport.Swap swap = null;
        // batch size 1 on one worker is one request at a time, as a plain processor calling the model would run;
        // on the default pool, two batches of 1 run at once. Dynamic batching is compared with both.
        for (int[] variant : new int[][] {{1, 1}, {1, defaultWorkers}, {BATCH, 1}, {BATCH, defaultWorkers}}) {
            int batch = variant[0];
            int workers = variant[1];
            String name = (batch == 1 ? "batch-1" : "dynamic") + "/" + workers + "w";
            int delay = batch == 1 ? 0 : settings.batchDelayMs();
            StreamsAppConfig config = config(name.replace('/', '-'), batch, delay, workers);
            try (Instance instance = Instance.start(base, config, settings, sentences)) {
                progress.accept(name + ": service running (batch.max.size=" + batch + ", batch.max.delay.ms="
                        + delay + ", inference.workers=" + workers + ")");
                variants.add(measure(instance, name, batch, delay, workers));
                if (batch != 1 && workers == defaultWorkers) {
                    swap = swaps(instance, variants.get(variants.size() - 1).seqPerSecond() / 2);
                }
            }
        }
        List<StreamBenchReport.Burst> bursts = settings.burst() > 0 ? bursts(defaultWorkers) : List.of();
        String setup = settings.brokerDescription() + "; processing.guarantee=" + settings.guarantee() + "; "
                + settings.partitions() + " input partition(s); " + settings.threads() + " cores for the engine: "
                + "engine.threads=" + engineThreads(1) + " with 1 worker, " + workerThreads + " with "
                + defaultWorkers + " (the service's default rule); inference.workers as named (w); hot swap on "
                + "dynamic/" + defaultWorkers + "w; " + sentences.description() + ", " + sentences.sentences().size()
                + " sentences, cycled";
        return new StreamBenchReport(task + " v" + settings.skeleton().getVersion(), setup,
                new StreamBenchReport.Raw(BATCH, raw, settings.threads(), rawParallel, defaultWorkers, workerThreads,
                        rawSingle),
                variants, swap, bursts);
    }

    /** engine.threads of a service with {@code workers} inference workers on the benchmark's cores. */
    private int engineThreads(int workers) {
        return StreamsAppConfig.defaultEngineThreads(settings.threads(), workers);
    }

    /**
     * The engine alone: sentences per second in batches of {@code size} from {@code callers} threads at once (each
     * taking the next batch), on an engine of {@code threads} threads; median of repetitions.
     */
    private double rawThroughput(int size, int callers, int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try (SkeletonEngine engine = new SkeletonEngine(base, EngineConfig.defaults().withThreads(threads));
                TaskModel model = engine.load(settings.skeleton())) {
            // the same sentences for every figure: a fifth of --messages per repetition
            int batches = Math.max(4, settings.messages() / 5 / size);
            double[] seqPerSecond = new double[RAW_REPETITIONS];
            model.classify(inputs(0, size));
            for (int rep = 0; rep < RAW_REPETITIONS; rep++) {
                AtomicInteger next = new AtomicInteger();
                long start = System.nanoTime();
                List<Future<?>> running = IntStream.range(0, callers).<Future<?>>mapToObj(c -> pool.submit(() -> {
                    for (int b = next.getAndIncrement(); b < batches; b = next.getAndIncrement()) {
                        model.classify(inputs(b, size));
                    }
                })).toList();
                for (Future<?> caller : running) {
                    caller.get();
                }
                seqPerSecond[rep] = SpeedStats.seqPerSecond((long) batches * size, System.nanoTime() - start);
            }
            return SpeedStats.median(seqPerSecond);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the raw engine failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private List<TextInput> inputs(long batchIndex, int size) {
        return sentences.batch(batchIndex, size).stream().map(s -> new TextInput(s, null)).toList();
    }

    private StreamBenchReport.Variant measure(Instance instance, String name, int batch, int delay, int workers) {
        instance.sendAndAwait("w", WARMUP_MESSAGES, 0);
        long duplicatesBefore = instance.collector.duplicates();

        progress.accept(name + ": throughput, " + settings.messages() + " requests as fast as possible");
        double[] batchesBefore = batchCountAndTotal(instance);
        Phase flood = instance.sendAndAwait("f", settings.messages(), 0);
        double[] batchesAfter = batchCountAndTotal(instance);
        double meanBatch = (batchesAfter[1] - batchesBefore[1]) / (batchesAfter[0] - batchesBefore[0]);
        double seqPerSecond = SpeedStats.seqPerSecond(settings.messages(), flood.lastArrivalNanos - flood.startNanos);
        progress.accept(String.format("%s: %.1f seq/s", name, seqPerSecond));

        double rate = seqPerSecond / 2;
        int latencyMessages = Math.max(50, (int) (rate * settings.latencySeconds()));
        progress.accept(String.format("%s: latency, %d requests at %.0f/s", name, latencyMessages, rate));
        MeterRegistry meters = instance.app.metrics().registry();
        List<String> timers = List.of(ServiceMetrics.ARRIVAL_TIME, ServiceMetrics.QUEUE_TIME,
                ServiceMetrics.INFERENCE_TIME, ServiceMetrics.ORDER_WAIT, ServiceMetrics.LATENCY);
        List<TimerTotals> before = timers.stream().map(n -> TimerTotals.of(meters, n)).toList();
        double[] pacedBatchesBefore = batchCountAndTotal(instance);
        LatencyTail.JvmTimes jvmBefore = LatencyTail.JvmTimes.now();
        Phase paced = instance.sendAndAwait("l", latencyMessages, rate);
        LatencyTail.JvmTimes jvmAfter = LatencyTail.JvmTimes.now();
        double[] latencies = paced.latenciesMs();
        double p99 = SpeedStats.percentile(latencies, 99);
        double[] pacedBatchesAfter = batchCountAndTotal(instance);
        double[] means = new double[timers.size()];
        for (int i = 0; i < means.length; i++) {
            means[i] = TimerTotals.of(meters, timers.get(i)).meanMsSince(before.get(i));
        }
        StreamBenchReport.InService inService = new StreamBenchReport.InService(means[0], means[1], means[2],
                (pacedBatchesAfter[1] - pacedBatchesBefore[1]) / (pacedBatchesAfter[0] - pacedBatchesBefore[0]),
                means[3], means[4]);

        return new StreamBenchReport.Variant(name, batch, delay, workers, settings.messages(), seqPerSecond, meanBatch,
                rate, latencyMessages, SpeedStats.percentile(latencies, 50), p99, flood.lost + paced.lost,
                instance.collector.duplicates() - duplicatesBefore, inService,
                LatencyTail.of(paced.sentNanos(), latencies, p99, jvmBefore, jvmAfter,
                        settings.brokerGc() == null ? null : settings.brokerGc().get()));
    }

    /** Count and total time of every timer named {@code name} (all tasks), at one moment. */
    private record TimerTotals(long count, double totalMs) {

        static TimerTotals of(MeterRegistry meters, String name) {
            long count = 0;
            double totalMs = 0;
            for (Timer timer : meters.find(name).timers()) {
                count += timer.count();
                totalMs += timer.totalTime(TimeUnit.MILLISECONDS);
            }
            return new TimerTotals(count, totalMs);
        }

        /** The mean of what was recorded since {@code before}. */
        double meanMsSince(TimerTotals before) {
            long n = count - before.count;
            return n == 0 ? 0 : (totalMs - before.totalMs) / n;
        }
    }

    /** Inference batches run so far and the requests in them. */
    private static double[] batchCountAndTotal(Instance instance) {
        DistributionSummary batches = instance.app.metrics().registry().find(ServiceMetrics.BATCH_SIZE).summary();
        return batches == null ? new double[] {0, 0} : new double[] {batches.count(), batches.totalAmount()};
    }

    private StreamBenchReport.Swap swaps(Instance instance, double rate) {
        long version = settings.skeleton().getVersion();
        double seconds = settings.swaps() * 1.5 + 3;
        int messages = (int) (rate * seconds);
        progress.accept(String.format("hot swap: %d new versions while %d requests flow at %.0f/s", settings.swaps(),
                messages, rate));
        long duplicatesBefore = instance.collector.duplicates();
        long regressionsBefore = instance.collector.versionRegressions();
        Map<SwapPhase, List<Double>> phaseMs = new ConcurrentHashMap<>();
        instance.app.registry().onSwapPhase((task, v, phase, took) -> {
            if (v > version) {
                phaseMs.computeIfAbsent(phase, ph -> new CopyOnWriteArrayList<>()).add(took.toNanos() / 1e6);
            }
        });
        CompletableFuture<Phase> load = CompletableFuture.supplyAsync(() -> instance.send("s", messages, rate));
        double[] swapMs = new double[settings.swaps()];
        try (RegistryClient registry = new RegistryClient(instance.config)) {
            sleep(Duration.ofSeconds(1));
            for (int k = 0; k < settings.swaps(); k++) {
                long newVersion = version + 1 + k;
                CompletableFuture<Long> firstLabel = new CompletableFuture<>();
                instance.collector.onArrival(a -> {
                    if (a.result() != null && a.result().getSkeletonVersion() == newVersion) {
                        firstLabel.complete(a.arrivedNanos());
                    }
                });
                TaskSkeleton next = TaskSkeleton.newBuilder(settings.skeleton()).setVersion(newVersion).build();
                long published = System.nanoTime();
                registry.publish(next);
                swapMs[k] = (firstLabel.get(SWAP_TIMEOUT.toSeconds(), TimeUnit.SECONDS) - published) / 1e6;
                progress.accept(String.format("hot swap: v%d serving after %.0f ms", newVersion, swapMs[k]));
                sleep(Duration.ofMillis(500));
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("a published version produced no label within " + SWAP_TIMEOUT, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("hot swap failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        Phase sent = load.join();
        instance.await(sent);
        List<StreamBenchReport.PhaseTime> phases = new ArrayList<>();
        for (SwapPhase phase : SwapPhase.values()) {
            double[] ms = phaseMs.getOrDefault(phase, List.of()).stream().mapToDouble(Double::doubleValue).toArray();
            if (ms.length > 0) {
                phases.add(new StreamBenchReport.PhaseTime(phase.tag(), SpeedStats.percentile(ms, 50),
                        SpeedStats.percentile(ms, 99)));
            }
        }
        return new StreamBenchReport.Swap(settings.swaps(), SpeedStats.percentile(swapMs, 50),
                SpeedStats.percentile(swapMs, 99), SpeedStats.max(swapMs), rate, messages, sent.lost,
                instance.collector.duplicates() - duplicatesBefore,
                instance.collector.versionRegressions() - regressionsBefore, phases);
    }

    /**
     * Bursts of new tasks published at once, with no requests flowing: on a service that builds one version at a time
     * and on one with the default registry.load.threads, both running, bursts alternating between them.
     */
    private List<StreamBenchReport.Burst> bursts(int workers) {
        int[] loadThreads = defaultLoadThreads() == 1 ? new int[] {1} : new int[] {1, defaultLoadThreads()};
        List<Instance> instances = new ArrayList<>();
        Map<String, Long> servingAt = new ConcurrentHashMap<>();
        try {
            for (int threads : loadThreads) {
                StreamsAppConfig config = config("burst-" + threads + "t", BATCH, settings.batchDelayMs(), workers,
                        threads);
                Instance instance = Instance.start(base, config, settings, sentences);
                instances.add(instance);
                instance.app.registry().onLoaded(m -> servingAt.putIfAbsent(threads + "/" + m.taskId(),
                        System.nanoTime()));
            }
            double[][] allMs = new double[loadThreads.length][BURST_REPETITIONS];
            double[][] medianMs = new double[loadThreads.length][BURST_REPETITIONS];
            for (int rep = 0; rep < BURST_REPETITIONS; rep++) {
                for (int i = 0; i < loadThreads.length; i++) {
                    progress.accept(String.format("burst %d of %d: %d tasks published at once, "
                            + "registry.load.threads=%d", rep + 1, BURST_REPETITIONS, settings.burst(),
                            loadThreads[i]));
                    double[] ms = burst(instances.get(i), loadThreads[i], rep, servingAt);
                    allMs[i][rep] = SpeedStats.max(ms);
                    medianMs[i][rep] = SpeedStats.percentile(ms, 50);
                }
            }
            List<StreamBenchReport.Burst> bursts = new ArrayList<>();
            for (int i = 0; i < loadThreads.length; i++) {
                bursts.add(new StreamBenchReport.Burst(loadThreads[i], settings.burst(), BURST_REPETITIONS,
                        SpeedStats.median(medianMs[i]), SpeedStats.median(allMs[i])));
            }
            return bursts;
        } finally {
            instances.forEach(Instance::close);
        }
    }

    /** Publishes one burst, waits until each of its tasks serves, retires them; publish .. serving per task, ms. */
    private double[] burst(Instance instance, int loadThreads, int rep, Map<String, Long> servingAt) {
        List<String> tasks = IntStream.range(0, settings.burst()).mapToObj(i -> "burst-" + rep + "-" + i).toList();
        try (RegistryClient registry = new RegistryClient(instance.config)) {
            long published = System.nanoTime();
            for (String task : tasks) {
                registry.publish(TaskSkeleton.newBuilder(settings.skeleton()).setTaskId(task).setVersion(1).build());
            }
            long deadline = published + SWAP_TIMEOUT.toNanos();
            double[] ms = new double[tasks.size()];
            for (int i = 0; i < tasks.size(); i++) {
                Long at;
                while ((at = servingAt.get(loadThreads + "/" + tasks.get(i))) == null) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("task " + tasks.get(i) + " of a burst did not serve within "
                                + SWAP_TIMEOUT);
                    }
                    sleep(Duration.ofMillis(2));
                }
                ms[i] = (at - published) / 1e6;
            }
            // retired, so that the bursts do not pile up models
            tasks.forEach(task -> registry.send(task, null));
            return ms;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Properties baseProperties() {
        Properties props = new Properties();
        props.setProperty(StreamsAppConfig.BOOTSTRAP_SERVERS, settings.bootstrapServers());
        props.setProperty(StreamsAppConfig.PROCESSING_GUARANTEE, settings.guarantee());
        props.setProperty(StreamsAppConfig.HTTP_PORT, "-1");
        return props;
    }

    private StreamsAppConfig config(String name, int batch, int delay, int workers) {
        return config(name, batch, delay, workers, defaultLoadThreads());
    }

    private int defaultLoadThreads() {
        return StreamsAppConfig.fromProperties(baseProperties()).registryLoadThreads();
    }

    private StreamsAppConfig config(String name, int batch, int delay, int workers, int loadThreads) {
        String prefix = "bench." + runId + "." + name + ".";
        Properties props = baseProperties();
        props.setProperty(StreamsAppConfig.APPLICATION_ID, "skeleton-bench-" + runId + "-" + name);
        props.setProperty(StreamsAppConfig.INPUT_TOPICS, prefix + "requests");
        props.setProperty(StreamsAppConfig.OUTPUT_TOPIC, prefix + "labels");
        props.setProperty(StreamsAppConfig.DLQ_TOPIC, prefix + "dlq");
        props.setProperty(StreamsAppConfig.REGISTRY_TOPIC, prefix + "tasks");
        props.setProperty(StreamsAppConfig.BATCH_MAX_SIZE, String.valueOf(batch));
        props.setProperty(StreamsAppConfig.BATCH_MAX_DELAY_MS, String.valueOf(delay));
        props.setProperty(StreamsAppConfig.INFERENCE_WORKERS, String.valueOf(workers));
        props.setProperty(StreamsAppConfig.ENGINE_THREADS, String.valueOf(engineThreads(workers)));
        props.setProperty(StreamsAppConfig.REGISTRY_LOAD_THREADS, String.valueOf(loadThreads));
        return StreamsAppConfig.fromProperties(props);
    }

    /** Requests of one phase: ids {@code prefix-0 ..}, when the first was sent and when the last answer came. */
    private static final class Phase {
        final List<String> ids;
        final long startNanos;
        long lastArrivalNanos;
        int lost;
        final List<Double> latencies = new ArrayList<>();
        final List<Long> sent = new ArrayList<>();

        Phase(List<String> ids, long startNanos) {
            this.ids = ids;
            this.startNanos = startNanos;
        }

        double[] latenciesMs() {
            return latencies.stream().mapToDouble(Double::doubleValue).toArray();
        }

        /** When each answered request was sent, in the order of {@link #latenciesMs()}. */
        long[] sentNanos() {
            return sent.stream().mapToLong(Long::longValue).toArray();
        }
    }

    /** One service instance on its own topics, with a client sending requests and one reading answers. */
    private static final class Instance implements AutoCloseable {
        final StreamsAppConfig config;
        final SkeletonStreamsApp app;
        final RequestSender sender;
        final ResultCollector collector;
        final Settings settings;
        final SentenceSource sentences;

        private Instance(StreamsAppConfig config, SkeletonStreamsApp app, Settings settings, SentenceSource sentences) {
            this.config = config;
            this.app = app;
            this.settings = settings;
            this.sentences = sentences;
            this.sender = new RequestSender(config.bootstrapServers(), config.inputTopics().get(0));
            this.collector = new ResultCollector(config.bootstrapServers(), config.outputTopic(), config.dlqTopic());
        }

        static Instance start(BaseModel base, StreamsAppConfig config, Settings settings,
                SentenceSource sentences) {
            try (Admin admin = Admin.create(config.adminProperties())) {
                admin.createTopics(List.of(new NewTopic(config.inputTopics().get(0), Optional.of(settings.partitions()),
                        Optional.empty()))).all().get();
            } catch (Exception e) {
                throw new IllegalStateException("cannot create the benchmark's input topic: " + e, e);
            }
            try (RegistryClient registry = new RegistryClient(config)) {
                registry.ensureTopic();
                registry.publish(settings.skeleton());
            }
            SkeletonStreamsApp app = SkeletonStreamsApp.start(config, base);
            try {
                awaitServing(app, settings.skeleton());
                return new Instance(config, app, settings, sentences);
            } catch (RuntimeException e) {
                app.close();
                throw e;
            }
        }

        private static void awaitServing(SkeletonStreamsApp app, TaskSkeleton skeleton) {
            // a fresh registry topic holds this one version only, so serving the task means serving it
            if (!app.awaitServing(List.of(skeleton.getTaskId()), START_TIMEOUT)) {
                throw new IllegalStateException("the service did not serve " + skeleton.getTaskId() + " v"
                        + skeleton.getVersion() + " within " + START_TIMEOUT + " (state " + app.state() + ")");
            }
        }

        Phase send(String prefix, int count, double perSecond) {
            List<String> ids = IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
            Phase phase = new Phase(ids, System.nanoTime());
            sender.sendPaced(count, perSecond, i -> ClassificationRequest.newBuilder()
                    .setId(ids.get(i))
                    .setTask(settings.skeleton().getTaskId())
                    .setText(sentences.sentences().get(i % sentences.sentences().size()))
                    .build());
            return phase;
        }

        Phase sendAndAwait(String prefix, int count, double perSecond) {
            return await(send(prefix, count, perSecond));
        }

        /** Waits for the phase's answers (generously: a loaded machine is slow), then fills in its figures. */
        Phase await(Phase phase) {
            Duration timeout = Duration.ofSeconds(60 + phase.ids.size() / 5);
            phase.lost = collector.await(phase.ids, timeout).size();
            for (String id : phase.ids) {
                ResultCollector.Arrival a = collector.arrival(id);
                if (a != null) {
                    phase.lastArrivalNanos = Math.max(phase.lastArrivalNanos, a.arrivedNanos());
                    long sentNanos = sender.sentNanos(id).orElseThrow();
                    phase.sent.add(sentNanos);
                    phase.latencies.add((a.arrivedNanos() - sentNanos) / 1e6);
                }
            }
            if (phase.latencies.isEmpty()) {
                throw new IllegalStateException("no request of phase '" + phase.ids.get(0) + "..' was answered");
            }
            return phase;
        }

        @Override
        public void close() {
            collector.close();
            sender.close();
            app.close();
        }
    }
}
