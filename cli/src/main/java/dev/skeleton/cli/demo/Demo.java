package dev.skeleton.cli.demo;

import dev.skeleton.avro.ClassificationRequest;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.builder.train.GlueMetric;
import dev.skeleton.cli.CliException;
import dev.skeleton.cli.Json;
import dev.skeleton.cli.live.RequestSender;
import dev.skeleton.cli.live.ResultCollector;
import dev.skeleton.cli.streams.RegistryClient;
import dev.skeleton.embedded.EmbeddedKafka;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import dev.skeleton.streams.SkeletonStreamsApp;
import dev.skeleton.streams.StreamsAppConfig;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The whole product in one process: an embedded broker, the bundled skeletons published to the registry topic, the
 * streaming service, a producer of real labeled sentences for every task (and a few deliberately bad records), a
 * consumer of the labels scoring them against the gold labels, a hot swap half way, and a live view.
 */
final class Demo {

    /** Tasks the demo runs, in this order, when their skeleton and samples exist. */
    static final List<String> TASKS = List.of("sst2", "qnli");
    /** One record in this many is deliberately bad, to show the dead-letter topic at work. */
    static final int BAD_EVERY = 250;
    private static final Duration UNBOUNDED_SWAP_AFTER = Duration.ofSeconds(30);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    /**
     * @param messages requests to send, then stop; 0 = until stopped
     * @param rate     requests per second
     * @param json     print only the summary, as JSON
     * @param httpPort the dashboard's port (another free one if taken)
     * @param root     project root holding prompts/ and skeletons/
     */
    record Options(int messages, double rate, boolean json, int httpPort, Path root) {}

    private record DemoTask(TaskSkeleton skeleton, DemoSamples samples) {}

    private final Options options;
    private final BaseModel base;
    private final PrintWriter out;
    private final PrintWriter err;
    private final long startNanos;

    Demo(Options options, BaseModel base, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.base = base;
        this.out = out;
        this.err = err;
        // "first label within N s of the command": count from the JVM's start, not from here
        this.startNanos = System.nanoTime()
                - TimeUnit.MILLISECONDS.toNanos(ManagementFactory.getRuntimeMXBean().getUptime());
    }

    void run(BooleanSupplier stopRequested) {
        List<DemoTask> tasks = tasks();
        progress("starting an embedded Kafka broker");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            StreamsAppConfig config = config(kafka.bootstrapServers(), options.httpPort());
            progress("publishing " + tasks.stream().map(t -> t.skeleton().getTaskId() + " v"
                    + t.skeleton().getVersion()).toList() + " to " + config.registryTopic());
            try (RegistryClient registry = new RegistryClient(config)) {
                registry.ensureTopic();
                tasks.forEach(t -> registry.publish(t.skeleton()));
            }
            progress("starting the streaming service");
            try (SkeletonStreamsApp app = startApp(config, kafka.bootstrapServers())) {
                awaitServing(app, tasks);
                app.httpPort().ifPresent(port -> progress("dashboard: http://127.0.0.1:" + port + "/"));
                play(app, config, tasks, stopRequested);
            }
        }
    }

    private void play(SkeletonStreamsApp app, StreamsAppConfig config, List<DemoTask> tasks,
            BooleanSupplier stopRequested) {
        DemoScoreboard board = new DemoScoreboard(tasks.stream().map(t -> new DemoScoreboard.TaskInfo(
                t.skeleton().getTaskId(), t.skeleton().getLabels(), GlueMetric.forTask(t.skeleton().getTaskId()),
                reported(t.skeleton()))).toList(), startNanos);
        ScheduledExecutorService view = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-view");
            t.setDaemon(true);
            return t;
        });
        DemoTask swapTask = tasks.get(0);
        long fromVersion = app.registry().versions().get(swapTask.skeleton().getTaskId());
        CompletableFuture<Double> swap = null;
        try (RequestSender sender = new RequestSender(config.bootstrapServers(), config.inputTopics().get(0));
                ResultCollector collector = new ResultCollector(config.bootstrapServers(), config.outputTopic(),
                        config.dlqTopic())) {
            collector.onArrival(board::answered);
            if (!options.json()) {
                boolean terminal = System.console() != null;
                view.scheduleAtFixedRate(() -> show(board, terminal), 1, terminal ? 1 : 5, TimeUnit.SECONDS);
            }
            Map<String, Long> next = new HashMap<>();
            long sendStart = System.nanoTime();
            for (int i = 0; (options.messages() == 0 || i < options.messages()) && !stopRequested.getAsBoolean();
                    i++) {
                pace(sendStart, i);
                if (swap == null && swapDue(i, sendStart)) {
                    swap = hotSwap(config, collector, board, swapTask.skeleton(), fromVersion + 1);
                }
                String id = "demo-" + i;
                if ((i + 1) % BAD_EVERY == 0) {
                    sendBad(sender, board, id, i / BAD_EVERY);
                    continue;
                }
                DemoTask task = tasks.get(i % tasks.size());
                String taskId = task.skeleton().getTaskId();
                DemoSamples.Example example = task.samples().get(next.merge(taskId, 1L, Long::sum) - 1);
                board.sent(id, taskId, example.gold(), System.nanoTime());
                sender.send(ClassificationRequest.newBuilder().setId(id).setTask(taskId).setText(example.text())
                        .setTextPair(example.textPair()).build());
            }
            sender.flush();
            progress("all " + board.produced() + " sent; waiting for the last answers");
            long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            while (board.answered() < board.produced() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            view.shutdownNow();
            double swapMs = swap == null ? Double.NaN : swap.getNow(Double.NaN);
            if (options.json()) {
                out.println(Json.line(board.summary(collector.duplicates(), swap == null ? null
                        : swapTask.skeleton().getTaskId(), fromVersion, fromVersion + 1, swapMs)));
            } else {
                out.print(board.render(System.nanoTime()));
                out.println(String.format("duplicates %d; summary as JSON with --json", collector.duplicates()));
            }
            out.flush();
        } finally {
            view.shutdownNow();
        }
    }

    private boolean swapDue(int i, long sendStart) {
        return options.messages() > 0 ? i >= options.messages() / 2
                : System.nanoTime() - sendStart >= UNBOUNDED_SWAP_AFTER.toNanos();
    }

    /** Publishes {@code skeleton} as {@code version}; completes with the time to its first label. */
    private CompletableFuture<Double> hotSwap(StreamsAppConfig config, ResultCollector collector,
            DemoScoreboard board, TaskSkeleton skeleton, long version) {
        String task = skeleton.getTaskId();
        CompletableFuture<Double> swapped = new CompletableFuture<>();
        long published = System.nanoTime();
        collector.onArrival(a -> {
            if (a.result() != null && a.result().getTask().equals(task) && a.result().getSkeletonVersion() == version
                    && swapped.complete((a.arrivedNanos() - published) / 1e6)) {
                board.swapped(String.format("hot swap: %s v%d -> v%d; first label of v%d %.0f ms after publishing",
                        task, version - 1, version, version, (a.arrivedNanos() - published) / 1e6));
            }
        });
        board.swapped("hot swap: publishing " + task + " v" + version + " ...");
        try (RegistryClient registry = new RegistryClient(config)) {
            registry.publish(TaskSkeleton.newBuilder(skeleton).setVersion(version).build());
        }
        return swapped;
    }

    private void sendBad(RequestSender sender, DemoScoreboard board, String id, int n) {
        board.sent(id, null, null, System.nanoTime());
        switch (n % 3) {
            case 0 -> sender.send(ClassificationRequest.newBuilder().setId(id).setTask("no-such-task")
                    .setText("a task nobody published").build());
            case 1 -> sender.send(ClassificationRequest.newBuilder().setId(id).setTask("sst2").setText(" ").build());
            default -> sender.sendRaw(id, ("{\"id\": \"" + id + "\", \"task\": ").getBytes(StandardCharsets.UTF_8));
        }
    }

    private void pace(long sendStart, int i) {
        long due = sendStart + (long) (i * 1e9 / options.rate());
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    private void show(DemoScoreboard board, boolean terminal) {
        String screen = board.render(System.nanoTime());
        if (terminal) {
            out.print("\033[H\033[2J" + screen);
            out.flush();
        } else {
            err.println(screen.lines().findFirst().orElse(""));
            err.flush();
        }
    }

    private List<DemoTask> tasks() {
        List<DemoTask> tasks = new ArrayList<>();
        for (String task : TASKS) {
            Optional<Path> file = SkeletonFiles.find(options.root(), task);
            Optional<DemoSamples> samples = DemoSamples.bundled(task);
            if (file.isPresent() && samples.isPresent()) {
                tasks.add(new DemoTask(SkeletonFiles.read(file.get()), samples.get()));
            }
        }
        if (tasks.isEmpty()) {
            throw new CliException("no skeleton of " + TASKS + " under " + options.root().toAbsolutePath().normalize()
                    + "/skeletons or /prompts; run the demo from the project root or pass --root");
        }
        return tasks;
    }

    /** The report's figure for the task's metric, as the build stored it in the skeleton. */
    private static double reported(TaskSkeleton skeleton) {
        Double value = skeleton.getMetrics().get("dev_" + GlueMetric.forTask(skeleton.getTaskId()).key());
        return value == null ? Double.NaN : value;
    }

    private StreamsAppConfig config(String bootstrapServers, int httpPort) {
        Properties props = new Properties();
        props.setProperty(StreamsAppConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        props.setProperty(StreamsAppConfig.APPLICATION_ID, "skeleton-demo");
        props.setProperty(StreamsAppConfig.PROCESSING_GUARANTEE, StreamsAppConfig.EXACTLY_ONCE_V2);
        props.setProperty(StreamsAppConfig.HTTP_PORT, String.valueOf(httpPort));
        return StreamsAppConfig.fromProperties(props);
    }

    private SkeletonStreamsApp startApp(StreamsAppConfig config, String bootstrapServers) {
        try {
            return SkeletonStreamsApp.start(config, base);
        } catch (IllegalStateException e) {
            if (config.httpPort().isEmpty() || e.getMessage() == null || !e.getMessage().contains("cannot listen")) {
                throw e;
            }
            progress("port " + config.httpPort().get() + " is taken; the dashboard takes a free one");
            return SkeletonStreamsApp.start(config(bootstrapServers, 0), base);
        }
    }

    private void awaitServing(SkeletonStreamsApp app, List<DemoTask> tasks) {
        if (!app.awaitServing(tasks.stream().map(t -> t.skeleton().getTaskId()).toList(), START_TIMEOUT)) {
            throw new CliException("the service did not serve every task within " + START_TIMEOUT + ": serving "
                    + app.registry().versions() + ", refused " + app.registry().refused().keySet());
        }
        progress("serving " + app.registry().versions());
    }

    private void progress(String message) {
        err.println("demo: " + message);
        err.flush();
    }
}
