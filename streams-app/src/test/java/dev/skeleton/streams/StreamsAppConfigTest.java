package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skeleton.engine.graph.Precision;
import dev.skeleton.engine.runtime.Device;
import dev.skeleton.engine.runtime.EngineConfig;
import dev.skeleton.streams.registry.RegistrySigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsAppConfigTest {

    @Test
    void shouldDocumentEveryKey() {
        for (ConfigDef.ConfigKey key : StreamsAppConfig.configDef().configKeys().values()) {
            assertThat(key.documentation).as("doc of " + key.name).isNotBlank();
            assertThat(key.importance).as("importance of " + key.name).isNotNull();
        }
    }

    @Test
    void shouldUseDocumentedDefaults() {
        StreamsAppConfig c = config(Map.of());

        assertThat(c.applicationId()).isEqualTo("skeleton");
        assertThat(c.inputTopics()).containsExactly("skeleton.requests");
        assertThat(c.inputPattern()).isEmpty();
        assertThat(c.outputTopic()).isEqualTo("skeleton.labels");
        assertThat(c.outputPerTask()).isFalse();
        assertThat(c.dlqTopic()).isEqualTo("skeleton.dlq");
        assertThat(c.registryTopic()).isEqualTo("skeleton.tasks");
        assertThat(c.topicTaskMapping()).isEmpty();
        assertThat(c.maxTextChars()).isEqualTo(20_000);
        assertThat(c.processingGuarantee()).isEqualTo("at_least_once");
        assertThat(c.engineThreads()).isEqualTo(StreamsAppConfig.defaultEngineThreads(
                Runtime.getRuntime().availableProcessors(), 2));
        assertThat(c.replicationFactor()).isEmpty();
        assertThat(c.batchSettings()).isEqualTo(new BatchSettings(32, Duration.ofMillis(10), 256));
        assertThat(c.inferenceWorkers()).isEqualTo(2);
        assertThat(c.outputLimits()).isEqualTo(new OutputLimits(256, 16_384, 1_024, 16_384, 524_288));
    }

    @Test
    void shouldReadTheHttpTokenFromAFileAndNeverTakeOrShowALiteral(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "s3cret\n");

        HttpAccess access = config(Map.of(StreamsAppConfig.HTTP_AUTH_TOKEN, "file:" + file)).httpAccess();

        assertThat(access.token()).hasValue("s3cret");
        assertThat(config(Map.of()).httpAccess().token()).isEmpty();
        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.HTTP_AUTH_TOKEN, "s3cret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.auth.token: must be env:NAME or file:PATH")
                .message().doesNotContain("s3cret");
        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.HTTP_AUTH_TOKEN, "env:SKELETON_TEST_UNSET_VARIABLE"))
                .httpAccess())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("env:SKELETON_TEST_UNSET_VARIABLE is not set");
    }

    @Test
    void shouldReadTheRegistrySigningKeyFromAFileAndRefuseAShortOneWithoutShowingIt(
            @TempDir Path dir) throws Exception {
        Path file = dir.resolve("signing.key");
        Files.writeString(file, "k".repeat(RegistrySigner.MIN_KEY_BYTES) + "\n");
        Path shortKey = dir.resolve("short.key");
        Files.writeString(shortKey, "tooshort");

        assertThat(config(Map.of(StreamsAppConfig.REGISTRY_SIGNING_KEY, "file:" + file)).registrySigner()).isPresent();
        assertThat(config(Map.of()).registrySigner()).isEmpty();
        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.REGISTRY_SIGNING_KEY, "file:" + shortKey))
                .registrySigner())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("registry.signing.key: the key has 8 bytes, at least 32")
                .message().doesNotContain("tooshort");
        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.REGISTRY_SIGNING_KEY, "tooshort")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("registry.signing.key: must be env:NAME or file:PATH")
                .message().doesNotContain("tooshort");
    }

    @Test
    void shouldSelectInt8Arithmetic() {
        assertThat(config(Map.of(StreamsAppConfig.ENGINE_PRECISION, "INT8")).engineConfig().precision())
                .isEqualTo(Precision.INT8);
        assertThat(config(Map.of()).engineConfig().precision()).isEqualTo(Precision.FP32);
        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.ENGINE_PRECISION, "int8",
                StreamsAppConfig.ENGINE_DEVICE, "cuda")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("engine.precision=int8 runs on the CPU only");
    }

    @Test
    void shouldNameKnownBaseModelsOrPathsEachOnce() {
        assertThat(config(Map.of()).getList(StreamsAppConfig.ENGINE_BASE_MODELS)).containsExactly("all-minilm-l6-v2");
        assertThat(config(Map.of(StreamsAppConfig.ENGINE_BASE_MODELS, "e5-small-v2"))
                .getList(StreamsAppConfig.ENGINE_BASE_MODELS)).containsExactly("e5-small-v2");
        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.ENGINE_BASE_MODELS, "bert-large")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be one of all-minilm-l6-v2, e5-small-v2, bge-small-en-v1.5");
        assertThat(config(Map.of(StreamsAppConfig.ENGINE_BASE_MODELS, "e5-small-v2,all-minilm-l6-v2"))
                .getList(StreamsAppConfig.ENGINE_BASE_MODELS)).containsExactly("e5-small-v2", "all-minilm-l6-v2");
        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.ENGINE_BASE_MODELS, "e5-small-v2,e5-small-v2")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("names a base model twice");
        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.ENGINE_BASE_MODELS, "")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("name at least one base model");
    }

    @Test
    void shouldPrepackWeightsUnlessToldNotTo() {
        assertThat(config(Map.of()).engineConfig().prepackWeights()).isTrue();
        assertThat(config(Map.of(StreamsAppConfig.ENGINE_PREPACK_WEIGHTS, "false")).engineConfig().prepackWeights())
                .isFalse();
        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.ENGINE_PREPACK_WEIGHTS, "sometimes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("engine.prepack.weights");
    }

    @Test
    void shouldKeepAWorkerForTheStreamBeyondThoseOfPostClassify() {
        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.INFERENCE_WORKERS, "4",
                StreamsAppConfig.HTTP_CLASSIFY_MAX_WORKERS, "4")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.classify.max.workers: must be below inference.workers=4");
        assertThat(config(Map.of(StreamsAppConfig.INFERENCE_WORKERS, "1")).httpClassifyMaxWorkers()).isEqualTo(1);
    }

    @Test
    void shouldRefuseDeadLetterLimitsTheProducerCouldNotSendAndInstallTheOutputRejectedHandler() {
        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.DLQ_MAX_VALUE_BYTES, "1048576")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("a dead letter may reach")
                .hasMessageContaining("more than the producer's max.request.size=1048576");
        assertThat(config(Map.of(StreamsAppConfig.DLQ_MAX_VALUE_BYTES, "1048576", "kafka.max.request.size",
                "4194304")).outputLimits().maxValueBytes()).as("allowed once the producer may send it")
                .isEqualTo(1_048_576);

        Properties p = config(Map.of()).toStreamsProperties();
        assertThat(p).containsEntry(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                OutputRejectedHandler.class.getName());
        assertThatThrownBy(() -> config(Map.of("kafka.production.exception.handler", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("set production.exception.handler directly");
    }

    @Test
    void shouldSelectCudaDeviceAndRefuseUnknownDeviceNamingKey() {
        StreamsAppConfig cuda = config(Map.of(StreamsAppConfig.ENGINE_DEVICE, "CUDA",
                StreamsAppConfig.ENGINE_CUDA_DEVICE_ID, "1", StreamsAppConfig.ENGINE_THREADS, "3"));
        assertThat(cuda.engineConfig()).isEqualTo(new EngineConfig(3, Device.CUDA, 1));
        assertThat(config(Map.of()).engineConfig().device()).isEqualTo(Device.CPU);

        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.ENGINE_DEVICE, "tpu")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("engine.device").hasMessageContaining("tpu");
    }

    @Test
    void shouldRunSingleThreadedBatchesWhenEveryCoreHasAWorkerUnlessThreadsAreSet() {
        assertThat(StreamsAppConfig.defaultEngineThreads(2, 2)).isEqualTo(1);
        assertThat(StreamsAppConfig.defaultEngineThreads(2, 4)).isEqualTo(1);
        assertThat(StreamsAppConfig.defaultEngineThreads(16, 2)).isEqualTo(16);
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(config(Map.of(StreamsAppConfig.INFERENCE_WORKERS, String.valueOf(cores))).engineThreads())
                .isEqualTo(1);
        assertThat(config(Map.of(StreamsAppConfig.INFERENCE_WORKERS, String.valueOf(cores),
                StreamsAppConfig.ENGINE_THREADS, "3")).engineThreads()).isEqualTo(3);

        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.ENGINE_THREADS, "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("engine.threads").hasMessageContaining("must be at least 1");
    }

    @Test
    void shouldRefuseQueueCapacityBelowBatchSize() {
        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.BATCH_MAX_SIZE, "64",
                StreamsAppConfig.BATCH_QUEUE_CAPACITY, "32")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Invalid value 32 for configuration batch.queue.capacity: must be at least "
                        + "batch.max.size=64");
    }

    @Test
    void shouldRefuseBatchSettingsOutOfRangeNamingKeyAndValue() {
        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.BATCH_MAX_SIZE, "0",
                StreamsAppConfig.BATCH_MAX_DELAY_MS, "-1", StreamsAppConfig.INFERENCE_WORKERS, "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("3 problems")
                .hasMessageContaining("Invalid value 0 for configuration batch.max.size")
                .hasMessageContaining("Invalid value -1 for configuration batch.max.delay.ms")
                .hasMessageContaining("Invalid value 0 for configuration inference.workers");
    }

    @Test
    void shouldBlockInPollNoLongerThanTheBatchDelayUnlessTold() {
        assertThat(config(Map.of()).toStreamsProperties().get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(10L);
        assertThat(config(Map.of(StreamsAppConfig.BATCH_MAX_DELAY_MS, "0")).toStreamsProperties()
                .get(StreamsConfig.POLL_MS_CONFIG)).as("never 0: a busy loop").isEqualTo(1L);
        assertThat(config(Map.of(StreamsAppConfig.BATCH_MAX_DELAY_MS, "5000")).toStreamsProperties()
                .get(StreamsConfig.POLL_MS_CONFIG)).as("Kafka's default at most").isEqualTo(100L);
        assertThat(config(Map.of("kafka.poll.ms", "50")).toStreamsProperties()
                .get(StreamsConfig.POLL_MS_CONFIG)).as("the user's choice wins").isEqualTo("50");
    }

    @Test
    void shouldLingerInTheProducerNoLongerThanKafkasClientDefaultUnlessTold() {
        String linger = StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG);
        assertThat(config(Map.of()).toStreamsProperties().get(linger))
                .as("not Kafka Streams' 100 ms, which every result would wait").isEqualTo(5);
        for (String key : List.of("kafka.linger.ms", "kafka.producer.linger.ms")) {
            Properties p = config(Map.of(key, "50")).toStreamsProperties();
            assertThat(p.get(key.substring("kafka.".length()))).as("the user's %s", key).isEqualTo("50");
            if (!key.equals("kafka.producer.linger.ms")) {
                assertThat(p).as("no producer.linger.ms over the user's linger.ms").doesNotContainKey(linger);
            }
        }
    }

    @Test
    void shouldReportEveryProblemAtOnceNamingKeyValueAndRule() {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsAppConfig.MAX_TEXT_CHARS, "0");
        props.put(StreamsAppConfig.PROCESSING_GUARANTEE, "exactly_once");
        props.put(StreamsAppConfig.OUTPUT_TOPIC, "bad topic!");
        props.put(StreamsAppConfig.INPUT_PATTERN, "([a-z");
        props.put(StreamsAppConfig.TOPIC_TASK_MAPPING, "reviews=sst2");
        props.put(StreamsAppConfig.ENGINE_THREADS, "many");
        props.put("outptu.per.task", "true");

        assertThatThrownBy(() -> new StreamsAppConfig(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("8 problems")
                .hasMessageContaining("Missing required configuration \"bootstrap.servers\"")
                .hasMessageContaining("Invalid value 0 for configuration max.text.chars: Value must be at least 1")
                .hasMessageContaining("Invalid value exactly_once for configuration processing.guarantee")
                .hasMessageContaining("Invalid value bad topic! for configuration output.topic: 'bad topic!' is not a "
                        + "legal topic name")
                .hasMessageContaining("Invalid value ([a-z for configuration input.pattern: not a Java regular "
                        + "expression")
                .hasMessageContaining("Invalid value reviews=sst2 for configuration topic.task.mapping: entry "
                        + "'reviews=sst2' is not topic:task")
                .hasMessageContaining("Invalid value many for configuration engine.threads")
                .hasMessageContaining("Unknown configuration outptu.per.task: known keys are");
    }

    @Test
    void shouldRefuseBothInputTopicsAndPattern() {
        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.INPUT_TOPICS, "a", StreamsAppConfig.INPUT_PATTERN,
                "b.*")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("input.topics=a and input.pattern=b.* are both set");
    }

    @Test
    void shouldRefuseOutputTopicThatIsAlsoAnInput() {
        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.INPUT_PATTERN, "skeleton\\..*")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("skeleton.labels for configuration output.topic: it is also an input topic")
                .hasMessageContaining("skeleton.dlq for configuration dlq.topic")
                .hasMessageContaining("skeleton.tasks for configuration registry.topic");
    }

    @Test
    void shouldRefuseSameTopicForTwoRoles() {
        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.DLQ_TOPIC, "skeleton.labels")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must all be different");
    }

    @Test
    void shouldParseTopicTaskMapping() {
        StreamsAppConfig c = config(Map.of(StreamsAppConfig.TOPIC_TASK_MAPPING, "reviews:sst2, pairs:mrpc"));

        assertThat(c.topicTaskMapping()).containsEntry("reviews", "sst2").containsEntry("pairs", "mrpc").hasSize(2);
    }

    @Test
    void shouldRefuseInvalidTaskIdInMapping() {
        assertThatThrownBy(() -> config(Map.of(StreamsAppConfig.TOPIC_TASK_MAPPING, "reviews:SST 2")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("task 'SST 2' of topic 'reviews' must match");
    }

    @Test
    void shouldPassKafkaPrefixedKeysToKafkaStreams() {
        StreamsAppConfig c = config(Map.of("kafka.num.stream.threads", "4", "kafka.commit.interval.ms", "100",
                StreamsAppConfig.PROCESSING_GUARANTEE, "exactly_once_v2", StreamsAppConfig.APPLICATION_ID, "app"));

        Properties p = c.toStreamsProperties();

        assertThat(p).containsEntry("num.stream.threads", "4")
                .containsEntry("commit.interval.ms", "100")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "app")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        // and Kafka Streams accepts the result
        assertThat(new StreamsConfig(p).getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(4);
    }

    @Test
    void shouldPointKafkaSettingsWithoutPrefixToThePrefixWithoutShowingTheValue() {
        assertThatThrownBy(() -> config(Map.of("ssl.keystore.password", "secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown configuration ssl.keystore.password: a Kafka setting; pass it as "
                        + "kafka.ssl.keystore.password")
                .message().doesNotContain("secret");
    }

    @Test
    void shouldRefuseOwnedKeysThroughKafkaPrefix() {
        assertThatThrownBy(() -> config(Map.of("kafka.application.id", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.application.id: set application.id directly");
    }

    @Test
    void shouldReadProperties() {
        Properties p = new Properties();
        p.setProperty(StreamsAppConfig.BOOTSTRAP_SERVERS, "a:1,b:2");
        p.setProperty(StreamsAppConfig.OUTPUT_PER_TASK, "true ");

        StreamsAppConfig c = StreamsAppConfig.fromProperties(p);

        assertThat(c.bootstrapServers()).isEqualTo("a:1,b:2");
        assertThat(c.outputPerTask()).isTrue();
        assertThat(c.inputTopics()).isEqualTo(List.of("skeleton.requests"));
    }

    private static StreamsAppConfig config(Map<String, String> overrides) {
        Map<String, Object> props = new HashMap<>(Map.of(StreamsAppConfig.BOOTSTRAP_SERVERS, "localhost:9092"));
        props.putAll(overrides);
        return new StreamsAppConfig(props);
    }
}
