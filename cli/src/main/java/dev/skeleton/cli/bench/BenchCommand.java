package dev.skeleton.cli.bench;

import dev.skeleton.avro.InputKind;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.cli.BaseModelOptions;
import dev.skeleton.cli.PrecisionConverter;
import dev.skeleton.cli.SkeletonCli;
import dev.skeleton.cli.SkeletonLocator;
import dev.skeleton.cli.ThreadsOption;
import dev.skeleton.embedded.EmbeddedKafka;
import dev.skeleton.engine.graph.Precision;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import dev.skeleton.streams.StreamsAppConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.kafka.common.utils.AppInfoParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code skeleton bench}: throughput of the full model against skeletons, and memory per task. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Throughput (sequences/s) of a soft prompt on the full model against skeletons keeping"
                + " 50%%, 30%% and 10%% of the FFN neurons, at batch sizes 1, 8 and 32, on SST-2 dev sentences;"
                + " then resident memory per extra loaded task.",
                "With --stream: the streaming service end to end through a Kafka broker (an embedded one unless"
                        + " --bootstrap-server is given): throughput and latency with batch size 1 and with dynamic"
                        + " batching, hot-swap time, and the raw engine's batched throughput on the same skeleton.",
                "Results go to stdout, progress to stderr."})
public final class BenchCommand implements Callable<Integer> {

    private static final int DEFAULT_THREADS = 2;

    @Spec
    private CommandSpec spec;

    @Option(names = "--quick",
            description = "3 repetitions of ~0.5 s instead of 7 of ~1.5 s: a rough look in under a minute.")
    private boolean quick;

    @Option(names = "--json", description = "One JSON object per line: a row per variant and batch size, then memory.")
    private boolean json;

    private final ThreadsOption threads = new ThreadsOption(DEFAULT_THREADS);

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime threads (default: " + DEFAULT_THREADS
            + ").")
    void setThreads(int n) {
        threads.set(spec, n);
    }

    private int promptLength = 20;

    @Option(names = "--prompt-length", paramLabel = "N",
            description = "Soft prompt rows of every variant (default: 20).")
    void setPromptLength(int n) {
        if (n < 0) {
            throw new ParameterException(spec.commandLine(), "--prompt-length must be >= 0, got " + n);
        }
        promptLength = n;
    }

    @Option(names = "--data", paramLabel = "FILE",
            description = {"TSV with a 'sentence' column. Default: SST-2 dev from",
                    "../shared/datasets/glue/SST-2/dev.tsv if it exists, else a bundled sample of its first 256 rows."})
    private Path data;


    @Option(names = "--precision", paramLabel = "P[,P]", split = ",", defaultValue = "fp32",
            converter = PrecisionConverter.class,
            description = "Precisions of the engine variants: fp32, int8 or fp32,int8 (default: ${DEFAULT-VALUE}); "
                    + "speed-ups are relative to the first precision's full model.")
    private List<Precision> precisions;

    /** {@code --weights}: whether ONNX Runtime pre-packs each session's weights. */
    enum Packing {
        /** {@code engine.prepack.weights=true}. */
        PACKED,
        /** {@code engine.prepack.weights=false}. */
        UNPACKED
    }

    @Option(names = "--weights", paramLabel = "W[,W]", split = ",", defaultValue = "packed",
            converter = PackingConverter.class,
            description = "Weight packing of the engine variants: packed (engine.prepack.weights=true, the default), "
                    + "unpacked (false: unchanged matrices held once), or both, interleaved in one run.")
    private List<Packing> packings;

    private double headKeep = 1.0;

    @Option(names = "--input", paramLabel = "KIND[,KIND]", split = ",", defaultValue = "single",
            converter = InputKindConverter.class,
            description = "Input of the engine variants: single (one sentence, the default), or pair tasks on pairs of"
                    + " consecutive sentences: pair (cross-encoded), siamese (each text encoded apart), or pair,siamese"
                    + " interleaved in one run; speed-ups are relative to the first kind's full model.")
    private List<InputKind> inputKinds;

    @Option(names = "--memory-tasks", paramLabel = "N", defaultValue = "8",
            description = "Extra tasks (FFN keep 0.3) loaded for the memory row, e.g. 100 for a load test "
                    + "(default: ${DEFAULT-VALUE}); their RSS, load time and time to the first label are reported.")
    private int memoryTasks;

    @Option(names = "--head-keep", paramLabel = "R",
            description = "Share of attention heads the skeleton variants keep, at random (default: 1.0, all).")
    void setHeadKeep(double r) {
        if (!(r > 0 && r <= 1)) {
            throw new ParameterException(spec.commandLine(), "--head-keep must be in (0, 1], got " + r);
        }
        headKeep = r;
    }

    @Option(names = "--stream", description = "Benchmark the streaming service through a broker instead of the engine.")
    private boolean stream;

    @Option(names = "--task", paramLabel = "TASK", defaultValue = "sst2",
            description = "With --stream: the shipped skeleton to serve (default: ${DEFAULT-VALUE}).")
    private String task;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = ".",
            description = "With --stream: project root holding prompts/ and skeletons/ (default: ${DEFAULT-VALUE}).")
    private Path root;

    @Option(names = "--messages", paramLabel = "N", defaultValue = "2000",
            description = "With --stream: requests in each throughput phase (default: ${DEFAULT-VALUE}).")
    private int messages;

    @Option(names = "--swaps", paramLabel = "N", defaultValue = "10",
            description = "With --stream: new versions published in the hot-swap phase (default: ${DEFAULT-VALUE}).")
    private int swaps;

    @Option(names = "--burst", paramLabel = "N", defaultValue = "10",
            description = "With --stream: new tasks published at once in the burst phase, on a service that builds one "
                    + "at a time and on one with the default registry.load.threads; 0 skips it "
                    + "(default: ${DEFAULT-VALUE}).")
    private int burst;

    @Option(names = "--guarantee", paramLabel = "GUARANTEE", defaultValue = StreamsAppConfig.AT_LEAST_ONCE,
            description = "With --stream: processing.guarantee of the service, at_least_once (the service's default)"
                    + " or exactly_once_v2 (default: ${DEFAULT-VALUE}).")
    private String guarantee;

    @Option(names = "--batch-delay", paramLabel = "MS",
            description = "With --stream: batch.max.delay.ms of the dynamic variants (default: the service's).")
    private Integer batchDelayMs;

    /** Where {@code --stream} runs its broker when no {@code --bootstrap-server} is given. */
    enum BrokerPlace {
        /** In the benchmark's JVM, beside the service. */
        SAME_JVM,
        /** In a JVM of its own, as in a deployment. */
        CHILD_JVM
    }

    @Option(names = "--broker", paramLabel = "WHERE", defaultValue = "same-jvm",
            converter = BrokerPlaceConverter.class,
            description = "With --stream and no --bootstrap-server: run the embedded broker in the benchmark's JVM "
                    + "(same-jvm, default) or in a JVM of its own (child-jvm), as a deployment has it.")
    private BrokerPlace broker;

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            description = "With --stream: an existing cluster instead of the embedded broker (topics are created with"
                    + " a unique prefix bench.ID.).")
    private String bootstrapServers;

    @Mixin
    private BaseModelOptions baseModel;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        SentenceSource sentences = SentenceSource.load(data);
        int n = threads.orElse(DEFAULT_THREADS);
        if (inputKinds.contains(InputKind.SINGLE) && inputKinds.size() > 1) {
            throw new ParameterException(spec.commandLine(), "--input single cannot be combined with pair kinds: "
                    + "they classify different inputs");
        }
        if (memoryTasks < 1) {
            throw new ParameterException(spec.commandLine(), "--memory-tasks must be >= 1, got " + memoryTasks);
        }
        BenchSettings settings = (quick ? BenchSettings.quick(n, promptLength)
                : BenchSettings.full(n, promptLength)).withMemoryTasks(memoryTasks);
        err.println("bench: loading base model");
        err.flush();
        BaseModel base = baseModel.load();
        if (stream) {
            return streamBench(base, sentences, n, err);
        }
        List<Boolean> prepacked = packings.stream().map(p -> p == Packing.PACKED).toList();
        BenchReport report = new EngineBenchmark(base, settings, sentences, precisions, prepacked, inputKinds, headKeep,
                message -> {
                    err.println("bench: " + message);
                    err.flush();
                }).run();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            BenchPrinter.jsonLines(report, out);
        } else {
            BenchPrinter.table(report, out);
        }
        return SkeletonCli.OK;
    }

    private int streamBench(BaseModel base, SentenceSource sentences, int threadCount, PrintWriter err) {
        if (messages < 100 || swaps < 1 || burst < 0) {
            throw new ParameterException(spec.commandLine(), "--messages must be >= 100, --swaps >= 1 and --burst >= 0,"
                    + " got " + messages + ", " + swaps + " and " + burst);
        }
        TaskSkeleton skeleton = SkeletonFiles.read(SkeletonLocator.locate(root, task));
        EmbeddedKafka embedded = null;
        ChildBroker child = null;
        try {
            String brokers = bootstrapServers;
            String described = "Kafka at " + bootstrapServers;
            if (brokers == null && broker == BrokerPlace.CHILD_JVM) {
                err.println("bench: starting the embedded Kafka broker in a JVM of its own");
                err.flush();
                child = ChildBroker.start();
                brokers = child.bootstrapServers();
                described = "embedded single-node KRaft broker in a JVM of its own (Kafka "
                        + AppInfoParser.getVersion() + ")";
            } else if (brokers == null) {
                err.println("bench: starting the embedded Kafka broker");
                err.flush();
                embedded = EmbeddedKafka.start();
                brokers = embedded.bootstrapServers();
                described = "embedded single-node KRaft broker in the same JVM (Kafka " + AppInfoParser.getVersion()
                        + ")";
            }
            StreamBenchmark.Settings settings = new StreamBenchmark.Settings(brokers, described, skeleton, messages,
                    quick ? 4 : 10, swaps, threadCount, 1, guarantee, batchDelayMs != null ? batchDelayMs
                            : (Integer) StreamsAppConfig.configDef().defaultValues()
                                    .get(StreamsAppConfig.BATCH_MAX_DELAY_MS), burst,
                    child == null ? null : child::gcPauses);
            StreamBenchReport report = new StreamBenchmark(base, settings, sentences, message -> {
                err.println("bench: " + message);
                err.flush();
            }).run();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                StreamBenchPrinter.jsonLines(report, out);
            } else {
                StreamBenchPrinter.table(report, out);
            }
            return SkeletonCli.OK;
        } finally {
            if (embedded != null) {
                embedded.close();
            }
            if (child != null) {
                child.close();
            }
        }
    }

    /** {@code single}, {@code pair} and {@code siamese}, as the option is written. */
    static final class InputKindConverter implements ITypeConverter<InputKind> {
        @Override
        public InputKind convert(String value) {
            return InputKind.valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    /** {@code packed} and {@code unpacked}, as the option is written. */
    static final class PackingConverter implements ITypeConverter<Packing> {
        @Override
        public Packing convert(String value) {
            return Packing.valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    /** {@code same-jvm} and {@code child-jvm}, as the option is written. */
    static final class BrokerPlaceConverter implements ITypeConverter<BrokerPlace> {
        @Override
        public BrokerPlace convert(String value) {
            return BrokerPlace.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }
}
