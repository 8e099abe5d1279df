package dev.skeleton.streams;

import dev.skeleton.engine.graph.Precision;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.model.KnownBaseModel;
import dev.skeleton.engine.runtime.Device;
import dev.skeleton.engine.runtime.EngineConfig;
import dev.skeleton.engine.skeleton.SkeletonValidator;
import dev.skeleton.streams.registry.RegistrySigner;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every setting of the streaming service, declared once: key, type, default, rule and doc. Keys starting with
 * {@value #KAFKA_PREFIX} go, without the prefix, to Kafka Streams and its clients.
 *
 * <p>Construction checks everything and reports every problem in one {@link ConfigException}: each names the key,
 * the value given and the rule it breaks. Unknown keys are problems too, so a typo never silently falls back to a
 * default.
 */
public final class StreamsAppConfig extends AbstractConfig {

    /** Prefix of the keys handed through to Kafka Streams, e.g. {@code kafka.num.stream.threads}. */
    public static final String KAFKA_PREFIX = "kafka.";
    /**
     * The producer's {@code linger.ms} unless the user sets one: Kafka 4's client default. Results leave in the
     * micro-batches the topology made; lingering longer only adds latency.
     */
    static final int PRODUCER_LINGER_MS = 5;

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String APPLICATION_ID = "application.id";
    public static final String INPUT_TOPICS = "input.topics";
    public static final String INPUT_PATTERN = "input.pattern";
    public static final String OUTPUT_TOPIC = "output.topic";
    public static final String OUTPUT_PER_TASK = "output.per.task";
    public static final String DLQ_TOPIC = "dlq.topic";
    public static final String REGISTRY_TOPIC = "registry.topic";
    public static final String REGISTRY_SIGNING_KEY = "registry.signing.key";
    public static final String REGISTRY_LOAD_THREADS = "registry.load.threads";
    public static final String TOPIC_REPLICATION_FACTOR = "topic.replication.factor";
    public static final String TOPIC_TASK_MAPPING = "topic.task.mapping";
    public static final String MAX_TEXT_CHARS = "max.text.chars";
    public static final String MAX_ID_CHARS = "max.id.chars";
    public static final String MAX_METADATA_BYTES = "max.metadata.bytes";
    public static final String DLQ_MAX_REASON_CHARS = "dlq.max.reason.chars";
    public static final String DLQ_MAX_HEADER_BYTES = "dlq.max.header.bytes";
    public static final String DLQ_MAX_VALUE_BYTES = "dlq.max.value.bytes";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String ENGINE_THREADS = "engine.threads";
    public static final String ENGINE_DEVICE = "engine.device";
    public static final String ENGINE_CUDA_DEVICE_ID = "engine.cuda.device.id";
    public static final String ENGINE_PRECISION = "engine.precision";
    public static final String ENGINE_PREPACK_WEIGHTS = "engine.prepack.weights";
    public static final String ENGINE_BASE_MODELS = "engine.base.models";
    public static final String BATCH_MAX_SIZE = "batch.max.size";
    public static final String BATCH_MAX_DELAY_MS = "batch.max.delay.ms";
    public static final String BATCH_QUEUE_CAPACITY = "batch.queue.capacity";
    public static final String BATCH_QUEUE_MAX_BYTES = "batch.queue.max.bytes";
    public static final String INFERENCE_TIMEOUT_MS = "inference.timeout.ms";
    public static final String INFERENCE_WORKERS = "inference.workers";
    public static final String HTTP_CLASSIFY_MAX_WORKERS = "http.classify.max.workers";
    public static final String SHUTDOWN_GRACE_MS = "shutdown.grace.ms";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_AUTH_TOKEN = "http.auth.token";
    public static final String HTTP_IDLE_TIMEOUT_MS = "http.idle.timeout.ms";
    public static final String HTTP_MAX_CONNECTIONS = "http.max.connections";

    public static final String AT_LEAST_ONCE = StreamsConfig.AT_LEAST_ONCE;
    public static final String EXACTLY_ONCE_V2 = StreamsConfig.EXACTLY_ONCE_V2;

    /** Legal Kafka topic names (Kafka's own rule, restated: its checker is internal API). */
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, nonEmptyList(),
                    Importance.HIGH, "Kafka brokers to connect to, host:port[,host:port...].")
            .define(APPLICATION_ID, Type.STRING, "skeleton", new ConfigDef.NonEmptyStringWithoutControlChars(),
                    Importance.HIGH, "Kafka Streams application id: the consumer group and the prefix of internal "
                            + "topics. Instances with the same id share the input partitions.")
            .define(INPUT_TOPICS, Type.LIST, "skeleton.requests", topicList(), Importance.HIGH,
                    "Topics to read requests from. Ignored when " + INPUT_PATTERN + " is set; set one or the other.")
            .define(INPUT_PATTERN, Type.STRING, null, regex(), Importance.MEDIUM,
                    "Java regular expression; every topic whose whole name matches is read (alternative to "
                            + INPUT_TOPICS + "). Unset by default.")
            .define(OUTPUT_TOPIC, Type.STRING, "skeleton.labels", topicName(), Importance.HIGH,
                    "Topic the results go to; with " + OUTPUT_PER_TASK + "=true the prefix of the per-task topics.")
            .define(OUTPUT_PER_TASK, Type.BOOLEAN, false, null, Importance.MEDIUM,
                    "If true, each task's results go to their own topic, " + OUTPUT_TOPIC + " + '.' + task id "
                            + "(created when the task is loaded, if missing).")
            .define(DLQ_TOPIC, Type.STRING, "skeleton.dlq", topicName(), Importance.HIGH,
                    "Dead-letter topic: records that cannot be classified, with the original key and value and the "
                            + "reason and source coordinates in headers.")
            .define(REGISTRY_TOPIC, Type.STRING, "skeleton.tasks", topicName(), Importance.HIGH,
                    "Compacted topic of task skeletons keyed by task id; a null value retires the task. Created "
                            + "with cleanup.policy=compact at start if missing.")
            .define(REGISTRY_SIGNING_KEY, Type.PASSWORD, null, secretReference(), Importance.MEDIUM,
                    "Where the key that signs registry records is: env:NAME or file:PATH (e.g. a mounted Kubernetes "
                            + "Secret), never the key itself; at least " + RegistrySigner.MIN_KEY_BYTES + " bytes "
                            + "(e.g. openssl rand -hex 32). When set, publish and retire sign every record "
                            + "(HMAC-SHA256 in the " + RegistrySigner.HEADER + " header) and the service refuses "
                            + "records that are unsigned or signed with another key: the serving version stays. "
                            + "Unset by default: whoever may write to the registry topic decides what runs.")
            .define(REGISTRY_LOAD_THREADS, Type.INT, 2, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Threads that build newly published skeleton versions (validate, graph, ONNX Runtime session, "
                            + "warm-up), off the thread that reads the registry topic: one task's versions in publish "
                            + "order, different tasks' side by side. The old version serves until the new one is "
                            + "built; a request for a task whose first version is still being built waits for it. "
                            + "2 builds a burst of publishes, or a restart with many tasks, two at a time while "
                            + "leaving cores to inference; 1 builds one at a time.")
            .define(TOPIC_REPLICATION_FACTOR, Type.SHORT, (short) -1, replicationFactorRule(), Importance.LOW,
                    "Replication factor of the topics the service creates when missing (registry, dead-letter, output, "
                            + "input topics named in " + INPUT_TOPICS + "); -1 uses the broker's default.")
            .define(TOPIC_TASK_MAPPING, Type.LIST, "", topicTaskMappingRule(), Importance.MEDIUM,
                    "topic:task pairs, comma-separated: the task of a record from that topic that names no task "
                            + "itself and has no 'task' header.")
            .define(MAX_TEXT_CHARS, Type.INT, 20_000, ConfigDef.Range.between(1, 10_000_000), Importance.MEDIUM,
                    "Longest text (and text pair, each) accepted, in characters; longer requests go to the "
                            + "dead-letter topic instead of being truncated silently.")
            .define(MAX_ID_CHARS, Type.INT, 256, ConfigDef.Range.between(1, 100_000), Importance.LOW,
                    "Longest request id accepted, in characters (results copy it); a longer one sends the request "
                            + "to the dead-letter topic (OVERSIZED_FIELD).")
            .define(MAX_METADATA_BYTES, Type.INT, 16_384, ConfigDef.Range.between(0, 10_000_000), Importance.LOW,
                    "Most UTF-8 bytes of request metadata keys and values accepted (results copy them); more sends "
                            + "the request to the dead-letter topic (OVERSIZED_FIELD).")
            .define(DLQ_MAX_REASON_CHARS, Type.INT, 1_024, ConfigDef.Range.between(64, 100_000), Importance.LOW,
                    "Longest dead-letter reason (and task) header, in characters; longer ones are cut with a "
                            + "marker saying how much was cut.")
            .define(DLQ_MAX_HEADER_BYTES, Type.INT, 16_384, ConfigDef.Range.between(0, 10_000_000), Importance.LOW,
                    "Most bytes of a bad record's own headers copied onto its dead letter, in order; the rest are "
                            + "dropped and header skeleton.dlq.headers.dropped counts them.")
            .define(DLQ_MAX_VALUE_BYTES, Type.INT, 524_288, ConfigDef.Range.between(0, 100_000_000), Importance.LOW,
                    "Most bytes of a bad record's value copied onto its dead letter; a longer value is cut there and "
                            + "header skeleton.dlq.value.bytes gives its size (the whole record stays readable at "
                            + "its source topic, partition and offset).")
            .define(PROCESSING_GUARANTEE, Type.STRING, AT_LEAST_ONCE, ValidString.in(AT_LEAST_ONCE, EXACTLY_ONCE_V2),
                    Importance.MEDIUM, "Kafka Streams processing guarantee: at_least_once or exactly_once_v2.")
            .define(ENGINE_THREADS, Type.INT, null, nullOrAtLeastOne(), Importance.MEDIUM,
                    "ONNX Runtime intra-op threads. 1: every inference batch runs alone on its worker's thread, so "
                            + "the " + INFERENCE_WORKERS + " run side by side, a core each. Above 1: a pool of that "
                            + "many threads shared by all tasks and workers. Defaults to 1 when " + INFERENCE_WORKERS
                            + " is at least the number of cores (on 2 cores with 2 workers this gave more throughput "
                            + "and lower latency than a shared pool of 2; see the README's figures), else to the "
                            + "number of cores.")
            .define(ENGINE_DEVICE, Type.STRING, "cpu", ConfigDef.CaseInsensitiveValidString.in("cpu", "cuda"),
                    Importance.MEDIUM, "Where inference runs: cpu, or cuda (needs the GPU build, mvn -Pgpu, and an "
                            + "NVIDIA driver; without them the engine logs a warning and runs on the CPU).")
            .define(ENGINE_CUDA_DEVICE_ID, Type.INT, 0, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "GPU ordinal used when " + ENGINE_DEVICE + "=cuda.")
            .define(ENGINE_PRECISION, Type.STRING, "fp32", ConfigDef.CaseInsensitiveValidString.in("fp32", "int8"),
                    Importance.MEDIUM, "Arithmetic of the skeletons' layer matrices: fp32, or int8 (dynamic "
                            + "quantization: per-column int8 weights, activations quantized per batch; about 1.7-1.9x "
                            + "the fp32 speed on CPU, see the README's figures; not with " + ENGINE_DEVICE + "=cuda).")
            .define(ENGINE_BASE_MODELS, Type.LIST, KnownBaseModel.ALL_MINILM_L6_V2.id(), baseModelList(),
                    Importance.MEDIUM, "The base models skeletons run on, each a name (" + KnownBaseModel.ids()
                            + "; all but the first come from optional Maven artifacts, see the README) or the path "
                            + "of a BERT-family ONNX export (a directory with model.onnx and tokenizer.json). Each "
                            + "is loaded once, and each skeleton runs on the base it was built on (by fingerprint); "
                            + "a skeleton of a base not listed is refused with that reason.")
            .define(ENGINE_PREPACK_WEIGHTS, Type.BOOLEAN, true, Importance.LOW,
                    "true: ONNX Runtime re-lays each task's layer matrices for its kernels (fastest). false: the "
                            + "matrices a task keeps whole are held once per process for all tasks instead of once "
                            + "per task (about half the memory per task, about 15% less throughput; see the README's "
                            + "figures). For many tasks on little memory.")
            .define(BATCH_MAX_SIZE, Type.INT, 32, ConfigDef.Range.between(1, 1024), Importance.MEDIUM,
                    "Most requests of one task run as one inference batch; a batch that reaches this size runs as "
                            + "soon as an inference worker is idle. While all workers are busy, batches fill up to "
                            + "this size and wait. 1 turns batching off.")
            .define(BATCH_MAX_DELAY_MS, Type.INT, 10, ConfigDef.Range.between(0, 10_000), Importance.MEDIUM,
                    "Longest a request waits for its batch to fill before the batch runs anyway (once an inference "
                            + "worker is idle), in milliseconds; 0 runs whatever has arrived as soon as a worker is "
                            + "idle (lowest latency; about 5% less throughput in the README's runs). Also bounds how "
                            + "long the stream thread blocks waiting for input (Kafka Streams' poll.ms, at least 1 ms, "
                            + "unless kafka.poll.ms is set), so an idle stream still meets it.")
            .define(BATCH_QUEUE_CAPACITY, Type.INT, 256, ConfigDef.Range.between(1, 100_000), Importance.MEDIUM,
                    "Most requests one stream task holds between reading them and writing their results (waiting "
                            + "for a batch, in inference, or waiting for an earlier request's result, since results "
                            + "leave in input order). When full, the stream thread stops reading until results "
                            + "leave: back-pressure, never unbounded memory. At least " + BATCH_MAX_SIZE + ".")
            .define(BATCH_QUEUE_MAX_BYTES, Type.LONG, BatchSettings.DEFAULT_QUEUE_MAX_BYTES,
                    ConfigDef.Range.atLeast(1_024), Importance.LOW,
                    "Most bytes of requests one stream task (and POST /classify) holds likewise, counted from the "
                            + "record (key, value, headers; three times over once parsed); one request alone may pass "
                            + "it. Bounds memory where " + BATCH_QUEUE_CAPACITY + " counts records of any size.")
            .define(INFERENCE_TIMEOUT_MS, Type.INT, (int) BatchSettings.DEFAULT_INFERENCE_TIMEOUT.toMillis(),
                    ConfigDef.Range.between(0, 3_600_000), Importance.MEDIUM,
                    "A batch handed to an inference worker that has no result this long after, in milliseconds, is "
                            + "given up: its requests go to the dead-letter topic (INFERENCE_TIMEOUT) and the stream "
                            + "goes on; a result that comes later is dropped. 0 waits for ever.")
            .define(INFERENCE_WORKERS, Type.INT, 2, ConfigDef.Range.between(1, 256), Importance.MEDIUM,
                    "Vert.x worker threads that run inference batches, shared by all stream threads and tasks. "
                            + "With " + ENGINE_THREADS + "=1 each runs its batch on one core; more workers than "
                            + "cores rarely help.")
            .define(SHUTDOWN_GRACE_MS, Type.INT, 25_000, ConfigDef.Range.between(1_000, 3_600_000), Importance.MEDIUM,
                    "The whole stop after SIGTERM or Ctrl-C fits in this many milliseconds: Kafka Streams writes the "
                            + "results it holds and commits, then the workers, HTTP and clients close. Keep it below "
                            + "the orchestrator's grace period (Kubernetes: terminationGracePeriodSeconds, 30 s by "
                            + "default). Weights stay allocated when a batch still runs at the end.")
            .define(HTTP_HOST, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyStringWithoutControlChars(),
                    Importance.MEDIUM, "Address the HTTP endpoints (/health, /ready, /tasks, /metrics) listen on; "
                            + "loopback by default, 0.0.0.0 for every interface.")
            .define(HTTP_PORT, Type.INT, 8080, ConfigDef.Range.between(-1, 65_535), Importance.MEDIUM,
                    "Port of the HTTP endpoints; 0 picks a free port, -1 turns them off.")
            .define(HTTP_AUTH_TOKEN, Type.PASSWORD, null, secretReference(), Importance.MEDIUM,
                    "Where the bearer token of the HTTP endpoints is: env:NAME (an environment variable) or "
                            + "file:PATH (a file, e.g. a mounted Kubernetes Secret), never the token itself. When "
                            + "set, every endpoint but /health and /ready answers 401 without 'Authorization: Bearer "
                            + "TOKEN'. Unset by default: keep http.host on loopback then.")
            .define(HTTP_CLASSIFY_MAX_WORKERS, Type.INT, 1, ConfigDef.Range.between(1, 256), Importance.LOW,
                    "Most " + INFERENCE_WORKERS + " that POST /classify batches hold at once, queued or running; "
                            + "the others stay free for the stream, however heavy the HTTP load. Must be below "
                            + INFERENCE_WORKERS + " unless that is 1 (then the two take turns).")
            .define(HTTP_IDLE_TIMEOUT_MS, Type.INT, 60_000, ConfigDef.Range.between(1_000, 3_600_000), Importance.LOW,
                    "An HTTP connection idle this long, in milliseconds, is closed.")
            .define(HTTP_MAX_CONNECTIONS, Type.INT, 100, ConfigDef.Range.between(1, 100_000), Importance.LOW,
                    "HTTP connections open at once; more are closed as they arrive.");

    /** Keys that must not be given again through {@value #KAFKA_PREFIX}: this config sets them itself. */
    private static final Set<String> OWNED_STREAMS_KEYS = Set.of(
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, StreamsConfig.APPLICATION_ID_CONFIG,
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG);

    /** Settings of Kafka Streams and its clients, to point a user who forgot the prefix to it. */
    private static final Set<String> KAFKA_KEYS = kafkaKeys();

    /** Checks {@code props} (all problems at once) and builds the configuration. */
    public StreamsAppConfig(Map<String, ?> props) {
        super(CONFIG, checked(props), false);
    }

    /** A configuration from properties (e.g. a {@code .properties} file); keys and values as strings. */
    public static StreamsAppConfig fromProperties(Properties properties) {
        Map<String, Object> map = new HashMap<>();
        properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k).trim()));
        return new StreamsAppConfig(map);
    }

    /**
     * The configuration of {@code files} (properties files, read in order) and then {@code settings}: later wins.
     * The one way the service's entry points ({@code ./skeleton run}, the service jar) read their settings.
     *
     * @throws ConfigException if a file cannot be read (naming it), or the settings break a rule
     */
    public static StreamsAppConfig fromFiles(List<Path> files, Map<String, String> settings) {
        Properties props = new Properties();
        for (Path file : files) {
            try (Reader in = Files.newBufferedReader(file)) {
                props.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException("cannot read the properties file " + file + ": " + e);
            }
        }
        settings.forEach(props::setProperty);
        return fromProperties(props);
    }

    /** The definition of every key, for documentation and tests. */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    private static Map<String, ?> checked(Map<String, ?> props) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> values = new HashMap<>();
        @SuppressWarnings("unchecked") // ConfigDef parses any value type; the String in its signature is historic
        Map<String, String> raw = (Map<String, String>) props;
        // sorted by key so the report reads the same every time
        for (ConfigValue v : new TreeMap<>(CONFIG.validateAll(raw)).values()) {
            // a value that fails to parse is then validated as null; that second message only repeats the first
            v.errorMessages().stream().limit(1).forEach(problems::add);
            values.put(v.name(), v.value());
        }
        for (String key : new TreeSet<>(props.keySet())) {
            if (key.startsWith(KAFKA_PREFIX)) {
                String streamsKey = key.substring(KAFKA_PREFIX.length());
                if (OWNED_STREAMS_KEYS.contains(streamsKey)) {
                    problems.add("Invalid configuration " + key + ": set " + streamsKey + " directly, not through the "
                            + KAFKA_PREFIX + " prefix");
                }
            } else if (!CONFIG.names().contains(key)) {
                // the value is not shown: a misplaced key may well be a password
                problems.add("Unknown configuration " + key + (KAFKA_KEYS.contains(key)
                        ? ": a Kafka setting; pass it as " + KAFKA_PREFIX + key
                        : ": known keys are " + new TreeSet<>(CONFIG.names()) + ", and any key starting with "
                                + KAFKA_PREFIX));
            }
        }
        if (problems.isEmpty()) {
            problems.addAll(crossChecks(props, values));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("invalid streaming service configuration (" + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + "):\n  " + String.join("\n  ", problems));
        }
        return props;
    }

    private static Set<String> kafkaKeys() {
        Set<String> keys = new TreeSet<>(StreamsConfig.configDef().names());
        keys.addAll(ProducerConfig.configNames());
        keys.addAll(ConsumerConfig.configNames());
        keys.addAll(AdminClientConfig.configNames());
        return Set.copyOf(keys);
    }

    /** The producer's max.request.size as given through the prefix (plain or producer.), else Kafka's default. */
    private static long maxRequestSize(Map<String, ?> props) {
        for (String key : List.of(KAFKA_PREFIX + StreamsConfig.PRODUCER_PREFIX + ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                KAFKA_PREFIX + ProducerConfig.MAX_REQUEST_SIZE_CONFIG)) {
            Object v = props.get(key);
            if (v != null) {
                try {
                    return Long.parseLong(v.toString().trim());
                } catch (NumberFormatException e) {
                    return Long.MAX_VALUE; // Kafka's own validation reports it when the client starts
                }
            }
        }
        return 1_048_576;
    }

    /** Rules that involve several keys; run only once every key is valid on its own. */
    @SuppressWarnings("unchecked")
    private static List<String> crossChecks(Map<String, ?> props, Map<String, Object> values) {
        List<String> problems = new ArrayList<>();
        String pattern = (String) values.get(INPUT_PATTERN);
        if (pattern != null && props.containsKey(INPUT_TOPICS)) {
            problems.add("Invalid configuration: " + INPUT_TOPICS + "=" + props.get(INPUT_TOPICS) + " and "
                    + INPUT_PATTERN + "=" + pattern + " are both set; set one or the other");
        }
        Map<String, String> named = new LinkedHashMap<>();
        named.put(OUTPUT_TOPIC, (String) values.get(OUTPUT_TOPIC));
        named.put(DLQ_TOPIC, (String) values.get(DLQ_TOPIC));
        named.put(REGISTRY_TOPIC, (String) values.get(REGISTRY_TOPIC));
        Set<String> seen = new LinkedHashSet<>();
        for (Map.Entry<String, String> e : named.entrySet()) {
            if (!seen.add(e.getValue())) {
                problems.add("Invalid value " + e.getValue() + " for configuration " + e.getKey()
                        + ": output, dead-letter and registry topics must all be different");
            }
        }
        int maxSize = (Integer) values.get(BATCH_MAX_SIZE);
        int capacity = (Integer) values.get(BATCH_QUEUE_CAPACITY);
        if (capacity < maxSize) {
            problems.add("Invalid value " + capacity + " for configuration " + BATCH_QUEUE_CAPACITY + ": must be at "
                    + "least " + BATCH_MAX_SIZE + "=" + maxSize + ", else no batch could ever fill");
        }
        if ("int8".equalsIgnoreCase((String) values.get(ENGINE_PRECISION))
                && "cuda".equalsIgnoreCase((String) values.get(ENGINE_DEVICE))) {
            problems.add("Invalid configuration: " + ENGINE_PRECISION + "=int8 runs on the CPU only; use fp32 with "
                    + ENGINE_DEVICE + "=cuda");
        }
        int workers = (Integer) values.get(INFERENCE_WORKERS);
        int httpWorkers = (Integer) values.get(HTTP_CLASSIFY_MAX_WORKERS);
        if (httpWorkers >= workers && workers > 1) {
            problems.add("Invalid value " + httpWorkers + " for configuration " + HTTP_CLASSIFY_MAX_WORKERS + ": must "
                    + "be below " + INFERENCE_WORKERS + "=" + workers + ", else POST /classify could hold every "
                    + "worker and starve the stream");
        }
        long deadLetterBytes = new OutputLimits(0, 0, (Integer) values.get(DLQ_MAX_REASON_CHARS),
                (Integer) values.get(DLQ_MAX_HEADER_BYTES), (Integer) values.get(DLQ_MAX_VALUE_BYTES))
                .maxDeadLetterBytes();
        long maxRequest = maxRequestSize(props);
        if (deadLetterBytes > maxRequest) {
            problems.add("Invalid configuration: a dead letter may reach " + deadLetterBytes + " bytes ("
                    + DLQ_MAX_VALUE_BYTES + " + " + DLQ_MAX_HEADER_BYTES + " + the reason and task at up to 4 bytes"
                    + " a character + " + OutputLimits.DEAD_LETTER_OVERHEAD
                    + "), more than the producer's max.request.size="
                    + maxRequest + "; lower them or raise " + KAFKA_PREFIX + "max.request.size (and the topic's "
                    + "max.message.bytes)");
        }
        List<String> inputs = pattern != null ? List.of() : (List<String>) values.get(INPUT_TOPICS);
        Pattern inputPattern = pattern != null ? Pattern.compile(pattern) : null;
        for (Map.Entry<String, String> e : named.entrySet()) {
            boolean read = inputs.contains(e.getValue())
                    || (inputPattern != null && inputPattern.matcher(e.getValue()).matches());
            if (read) {
                problems.add("Invalid value " + e.getValue() + " for configuration " + e.getKey()
                        + ": it is also an input topic, which would feed the service its own output");
            }
        }
        return problems;
    }

    // ---- typed accessors -------------------------------------------------------------------------------------

    public String applicationId() {
        return getString(APPLICATION_ID);
    }

    public String bootstrapServers() {
        return String.join(",", getList(BOOTSTRAP_SERVERS));
    }

    /** Input topics by name; empty when {@link #inputPattern()} is set. */
    public List<String> inputTopics() {
        return inputPattern().isPresent() ? List.of() : List.copyOf(getList(INPUT_TOPICS));
    }

    public Optional<Pattern> inputPattern() {
        String p = getString(INPUT_PATTERN);
        return p == null ? Optional.empty() : Optional.of(Pattern.compile(p));
    }

    public String outputTopic() {
        return getString(OUTPUT_TOPIC);
    }

    public boolean outputPerTask() {
        return getBoolean(OUTPUT_PER_TASK);
    }

    public String dlqTopic() {
        return getString(DLQ_TOPIC);
    }

    public String registryTopic() {
        return getString(REGISTRY_TOPIC);
    }

    public int registryLoadThreads() {
        return getInt(REGISTRY_LOAD_THREADS);
    }

    /** Replication factor for topics the service creates; empty means the broker default. */
    public Optional<Short> replicationFactor() {
        short rf = getShort(TOPIC_REPLICATION_FACTOR);
        return rf < 0 ? Optional.empty() : Optional.of(rf);
    }

    /** Topic name to task id, from {@value #TOPIC_TASK_MAPPING}. */
    public Map<String, String> topicTaskMapping() {
        return Map.copyOf(topicTasks(getList(TOPIC_TASK_MAPPING)));
    }

    /**
     * {@code topic:task} entries as a map in entry order; the one parser of {@value #TOPIC_TASK_MAPPING}, for the
     * accessor and its validator alike. Split at the last colon: topic names cannot hold one, so a task id cannot
     * either.
     *
     * @throws IllegalArgumentException naming the first entry that is not {@code topic:task}, or a topic mapped twice
     */
    private static Map<String, String> topicTasks(List<?> entries) {
        Map<String, String> mapping = new LinkedHashMap<>();
        for (Object o : entries) {
            String entry = (String) o;
            int colon = entry.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("entry '" + entry + "' is not topic:task");
            }
            String topic = entry.substring(0, colon).trim();
            if (mapping.put(topic, entry.substring(colon + 1).trim()) != null) {
                throw new IllegalArgumentException("topic '" + topic + "' is mapped twice");
            }
        }
        return mapping;
    }

    public int maxTextChars() {
        return getInt(MAX_TEXT_CHARS);
    }

    /** How much of a request outputs may copy. */
    public OutputLimits outputLimits() {
        return new OutputLimits(getInt(MAX_ID_CHARS), getInt(MAX_METADATA_BYTES), getInt(DLQ_MAX_REASON_CHARS),
                getInt(DLQ_MAX_HEADER_BYTES), getInt(DLQ_MAX_VALUE_BYTES));
    }

    public String processingGuarantee() {
        return getString(PROCESSING_GUARANTEE);
    }

    /** {@value #ENGINE_THREADS}, or its default for this machine's cores and {@value #INFERENCE_WORKERS}. */
    public int engineThreads() {
        Integer threads = getInt(ENGINE_THREADS);
        return threads != null ? threads
                : defaultEngineThreads(Runtime.getRuntime().availableProcessors(), inferenceWorkers());
    }

    /**
     * The default of {@value #ENGINE_THREADS}: single-threaded batches when there is a worker for every core (no pool
     * to share, wake or spin), else a pool of every core shared by the workers.
     */
    public static int defaultEngineThreads(int cores, int workers) {
        return workers >= cores ? 1 : cores;
    }

    /** Reads the base models named by {@value #ENGINE_BASE_MODELS} (seconds each). */
    public List<BaseModel> loadBaseModels() {
        return getList(ENGINE_BASE_MODELS).stream().map(BaseModel::load).toList();
    }

    /** The engine's threads, device, GPU ordinal, precision and weight packing. */
    public EngineConfig engineConfig() {
        return new EngineConfig(engineThreads(), Device.valueOf(getString(ENGINE_DEVICE).toUpperCase(Locale.ROOT)),
                getInt(ENGINE_CUDA_DEVICE_ID), Precision.valueOf(getString(ENGINE_PRECISION).toUpperCase(Locale.ROOT)),
                getBoolean(ENGINE_PREPACK_WEIGHTS));
    }

    /** How requests are grouped into inference batches. */
    public BatchSettings batchSettings() {
        return new BatchSettings(getInt(BATCH_MAX_SIZE), Duration.ofMillis(getInt(BATCH_MAX_DELAY_MS)),
                getInt(BATCH_QUEUE_CAPACITY), getLong(BATCH_QUEUE_MAX_BYTES),
                Duration.ofMillis(getInt(INFERENCE_TIMEOUT_MS)));
    }

    public int inferenceWorkers() {
        return getInt(INFERENCE_WORKERS);
    }

    /** How long the whole stop may take ({@value #SHUTDOWN_GRACE_MS}). */
    public Duration shutdownGrace() {
        return Duration.ofMillis(getInt(SHUTDOWN_GRACE_MS));
    }

    /** Inference workers that {@code POST /classify} may hold at once ({@value #HTTP_CLASSIFY_MAX_WORKERS}). */
    public int httpClassifyMaxWorkers() {
        return getInt(HTTP_CLASSIFY_MAX_WORKERS);
    }

    public String httpHost() {
        return getString(HTTP_HOST);
    }

    /** The HTTP port; 0 for any free one; empty when the endpoints are off. */
    public Optional<Integer> httpPort() {
        int port = getInt(HTTP_PORT);
        return port < 0 ? Optional.empty() : Optional.of(port);
    }

    /**
     * Who may use the HTTP endpoints: the token read from where {@value #HTTP_AUTH_TOKEN} points (now, so a missing
     * variable or file is a configuration error at start), the idle timeout and the connection cap.
     */
    public HttpAccess httpAccess() {
        return new HttpAccess(secret(HTTP_AUTH_TOKEN).map(String::trim),
                Duration.ofMillis(getInt(HTTP_IDLE_TIMEOUT_MS)),
                getInt(HTTP_MAX_CONNECTIONS));
    }

    /**
     * The signer of registry records, with the key read from where {@value #REGISTRY_SIGNING_KEY} points (now, so a
     * missing variable or file, or a short key, is a configuration error at start); empty when the key is unset.
     */
    public Optional<RegistrySigner> registrySigner() {
        return secret(REGISTRY_SIGNING_KEY).map(key -> {
            byte[] bytes = key.trim().getBytes(StandardCharsets.UTF_8);
            if (bytes.length < RegistrySigner.MIN_KEY_BYTES) {
                throw new ConfigException(REGISTRY_SIGNING_KEY + ": the key has " + bytes.length + " bytes, at least "
                        + RegistrySigner.MIN_KEY_BYTES + " are needed (e.g. openssl rand -hex 32)");
            }
            return new RegistrySigner(bytes);
        });
    }

    /** The secret that password key {@code key} points to (env:NAME or file:PATH), or empty when unset. */
    private Optional<String> secret(String key) {
        Password reference = getPassword(key);
        if (reference == null) {
            return Optional.empty();
        }
        String where = reference.value();
        String value;
        if (where.startsWith("env:")) {
            value = System.getenv(where.substring(4));
        } else {
            try {
                value = Files.readString(Path.of(where.substring(5)));
            } catch (IOException e) {
                throw new ConfigException(key + ": cannot read " + where + ": " + e);
            }
        }
        if (value == null || value.isBlank()) {
            throw new ConfigException(key + ": " + where + " is " + (value == null ? "not set" : "empty"));
        }
        return Optional.of(value);
    }

    /** The {@value #KAFKA_PREFIX} keys, prefix removed: Kafka Streams and client settings given by the user. */
    public Map<String, Object> kafkaOverrides() {
        return originalsWithPrefix(KAFKA_PREFIX, true);
    }

    /**
     * Properties for {@link org.apache.kafka.streams.KafkaStreams}: the user's {@value #KAFKA_PREFIX} settings,
     * then the keys this config owns. Default serdes are byte arrays because every topic in the topology names
     * its own serdes; nothing should ever fall back to a default. {@code poll.ms} defaults to the batch delay (at
     * most Kafka's 100 ms): an idle stream thread blocks that long in poll, and only then can it run a batch whose
     * delay has passed and write its results. The producer's {@code linger.ms} is {@value #PRODUCER_LINGER_MS} ms
     * unless set with {@code kafka.linger.ms} or {@code kafka.producer.linger.ms}: Kafka Streams' own default, 100 ms,
     * made every result wait up to that long before it was sent, whatever the batching had done.
     */
    public Properties toStreamsProperties() {
        Properties p = new Properties();
        Map<String, Object> overrides = kafkaOverrides();
        String linger = StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG);
        if (!overrides.containsKey(ProducerConfig.LINGER_MS_CONFIG) && !overrides.containsKey(linger)) {
            p.put(linger, PRODUCER_LINGER_MS);
        }
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        p.put(StreamsConfig.POLL_MS_CONFIG, Math.max(1L, Math.min(100L, getInt(BATCH_MAX_DELAY_MS))));
        p.putAll(overrides);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee());
        OutputRejectedHandler.addTo(p, dlqTopic(), outputLimits());
        return p;
    }

    /** Properties for an admin client on the same cluster, with the user's client settings (security etc.). */
    public Map<String, Object> adminProperties() {
        Map<String, Object> p = new HashMap<>(kafkaOverrides());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    // ---- validators ------------------------------------------------------------------------------------------
    // Each tolerates null: ConfigDef runs validators even after a value failed to parse, and that failure has
    // already been reported.

    /** Where a secret is: env:NAME or file:PATH. */
    private static ConfigDef.Validator nullOrAtLeastOne() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            if (value != null && (Integer) value < 1) {
                throw new ConfigException(name, value, "must be at least 1 (or unset for the default)");
            }
        }, () -> "[1,...], or unset");
    }

    private static ConfigDef.Validator secretReference() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            String v = value == null ? null : ((Password) value).value();
            if (v != null && !(v.matches("env:[A-Za-z_][A-Za-z0-9_]*") || v.matches("file:.+"))) {
                // the value is not shown: someone may have put the secret itself here
                throw new ConfigException("Invalid value [hidden] for configuration " + name + ": must be env:NAME "
                        + "or file:PATH, never the secret itself");
            }
        }, () -> "env:NAME or file:PATH, or unset");
    }

    private static ConfigDef.Validator topicName() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            if (value != null) {
                checkTopic(name, value, (String) value);
            }
        }, () -> "a topic name: 1 to 249 of [a-zA-Z0-9._-]");
    }

    private static ConfigDef.Validator topicList() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            if (value == null) {
                return;
            }
            List<?> topics = (List<?>) value;
            if (topics.isEmpty()) {
                throw new ConfigException(name, shown(value), "at least one topic is needed");
            }
            for (Object t : topics) {
                checkTopic(name, value, (String) t);
            }
        }, () -> "non-empty list of topic names");
    }

    /** A list value as the user wrote it (comma-separated), not as {@code [a, b]}. */
    private static Object shown(Object value) {
        return value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList()) : value;
    }

    private static void checkTopic(String name, Object value, String topic) {
        if (topic == null || !TOPIC_NAME.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new ConfigException(name, shown(value), "'" + topic + "' is not a legal topic name (1 to 249 of "
                    + "[a-zA-Z0-9._-], not '.' or '..')");
        }
    }

    private static ConfigDef.Validator nonEmptyList() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            if (value != null && ((List<?>) value).isEmpty()) {
                throw new ConfigException(name, shown(value), "must not be empty");
            }
        }, () -> "non-empty list");
    }

    private static ConfigDef.Validator baseModelList() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            List<?> bases = (List<?>) value;
            if (bases.isEmpty()) {
                throw new ConfigException(name, shown(value), "name at least one base model");
            }
            if (new HashSet<>(bases).size() != bases.size()) {
                throw new ConfigException(name, shown(value), "names a base model twice");
            }
            for (Object entry : bases) {
                String base = entry.toString();
                if (KnownBaseModel.byId(base).isEmpty() && !Files.exists(Path.of(base))) {
                    throw new ConfigException(name, shown(value), "each must be one of " + KnownBaseModel.ids()
                            + ", or the path of an ONNX export; " + base + " is neither");
                }
            }
        }, () -> "each one of " + KnownBaseModel.ids() + ", or a path");
    }

    private static ConfigDef.Validator regex() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            if (value == null) {
                return;
            }
            try {
                Pattern.compile((String) value);
            } catch (PatternSyntaxException e) {
                throw new ConfigException(name, shown(value), "not a Java regular expression: " + e.getDescription()
                        + " near index " + e.getIndex());
            }
        }, () -> "a Java regular expression, or unset");
    }

    private static ConfigDef.Validator replicationFactorRule() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            if (value != null && ((Short) value == 0 || (Short) value < -1)) {
                throw new ConfigException(name, shown(value), "must be -1 (broker default) or >= 1");
            }
        }, () -> "-1 or >= 1");
    }

    private static ConfigDef.Validator topicTaskMappingRule() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            if (value == null) {
                return;
            }
            Map<String, String> mapping;
            try {
                mapping = topicTasks((List<?>) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, shown(value), e.getMessage());
            }
            mapping.forEach((topic, task) -> {
                checkTopic(name, value, topic);
                if (!SkeletonValidator.TASK_ID.matcher(task).matches()) {
                    throw new ConfigException(name, shown(value), "task '" + task + "' of topic '" + topic
                            + "' must match " + SkeletonValidator.TASK_ID.pattern());
                }
            });
        }, () -> "list of topic:task");
    }
}
