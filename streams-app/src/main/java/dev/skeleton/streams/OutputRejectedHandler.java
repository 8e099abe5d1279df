package dev.skeleton.streams;

import dev.skeleton.streams.classify.DeadLetterKind;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' production exception handler: when the producer or the broker refuses a result or a dead letter
 * (larger than the topic allows, a value that does not serialize, a topic it may not write), it writes a small dead
 * letter of kind {@link DeadLetterKind#OUTPUT_REJECTED} instead, with the reason and the input record's source
 * coordinates and no value, and the stream goes on. Without it the stream thread stops, and after a restart reads
 * the same record again: a crash loop on every instance its partition moves to.
 *
 * <p>The small dead letter is written by this handler's own producer (created on the first refusal, with the
 * service's client settings), and waited for: if even that fails, the handler answers FAIL, so the record is read
 * again rather than lost. Under exactly_once_v2 that producer is outside the stream's transaction, so a replayed
 * record can leave a second OUTPUT_REJECTED letter. Retriable failures (timeouts, an unavailable broker) are not a
 * record's fault and answer FAIL. {@link ClassifyProcessor} bounds every output by {@link OutputLimits}, so this
 * handler is the safety net for a producer {@code max.request.size} set below those limits.
 *
 * <p>Keep {@code max.request.size} at most every output topic's {@code max.message.bytes}: a record the producer
 * lets through but the topic refuses is split and resent by the Java producer until {@code delivery.timeout.ms}, then
 * expires with its whole batch (seen with Kafka 4.1.1), which is a retriable failure.
 */
public final class OutputRejectedHandler implements ProductionExceptionHandler {

    /** Handler settings passed through the Kafka Streams properties (Kafka Streams hands them to {@link #configure}).
     * */
    static final String DLQ_TOPIC_CONFIG = "skeleton.output.rejected.dlq.topic";
    static final String REASON_CHARS_CONFIG = "skeleton.output.rejected.reason.chars";

    private static final Logger log = LoggerFactory.getLogger(OutputRejectedHandler.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> producerConfig = new HashMap<>();
    private String deadLetterTopic;
    private OutputLimits limits;
    private Producer<byte[], byte[]> producer;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetterTopic = String.valueOf(configs.get(DLQ_TOPIC_CONFIG));
        int reasonChars = Integer.parseInt(String.valueOf(configs.get(REASON_CHARS_CONFIG)));
        limits = new OutputLimits(0, 0, reasonChars, 0, 0);
        // the service's client settings (security above all), plain or with the producer. prefix
        for (Map.Entry<String, ?> e : configs.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(StreamsConfig.PRODUCER_PREFIX)) {
                producerConfig.put(key.substring(StreamsConfig.PRODUCER_PREFIX.length()), e.getValue());
            } else if (ProducerConfig.configNames().contains(key) && !producerConfig.containsKey(key)) {
                producerConfig.put(key, e.getValue());
            }
        }
        producerConfig.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        producerConfig.put(CommonClientConfigs.CLIENT_ID_CONFIG, configs.get(StreamsConfig.APPLICATION_ID_CONFIG)
                + "-output-rejected");
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    }

    /** Sets what {@link #configure} reads into the Kafka Streams properties. */
    static void addTo(Map<Object, Object> streamsProperties, String deadLetterTopic, OutputLimits limits) {
        streamsProperties.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                OutputRejectedHandler.class.getName());
        streamsProperties.put(DLQ_TOPIC_CONFIG, deadLetterTopic);
        streamsProperties.put(REASON_CHARS_CONFIG, Integer.toString(limits.maxReasonChars()));
    }

    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
            Exception exception) {
        if (exception instanceof RetriableException) {
            // a timeout or an unavailable broker says nothing about this record, and a timeout expires a whole batch:
            // dropping it would lose its neighbours too. Fail, so the records are read again after a restart.
            log.error("output to topic {} failed: {}; the stream stops and the records are read again",
                    record.topic(), exception.toString());
            return ProductionExceptionHandlerResponse.FAIL;
        }
        // the output keeps its input's key
        return rejected(context, record.topic(), record.key(), size(record), exception);
    }

    @Override
    @SuppressWarnings("rawtypes") // the interface's own signature
    public ProductionExceptionHandlerResponse handleSerializationException(ErrorHandlerContext context,
            ProducerRecord record, Exception exception, SerializationExceptionOrigin origin) {
        return rejected(context, record.topic(), context.sourceRawKey(), -1, exception);
    }

    private ProductionExceptionHandlerResponse rejected(ErrorHandlerContext context, String outputTopic, byte[] key,
            long bytes, Exception exception) {
        String reason = "output to topic " + outputTopic + (bytes < 0 ? "" : " (" + bytes + " bytes)")
                + " refused: " + exception;
        DeadLetters.Source source = context.topic() == null ? new DeadLetters.Source("unknown", -1, -1)
                : new DeadLetters.Source(context.topic(), context.partition(), context.offset());
        DeadLetters.log(DeadLetterKind.OUTPUT_REJECTED, reason, source, null, limits);
        if (deadLetterTopic.equals(outputTopic) && bytes >= 0 && bytes < 1_024) {
            // even a small dead letter was refused: writing another one would fail the same way
            return ProductionExceptionHandlerResponse.FAIL;
        }
        DeadLetters.Letter letter = DeadLetters.letter(null, new RecordHeaders(), DeadLetterKind.OUTPUT_REJECTED,
                reason, source, null, limits);
        try {
            producer().send(new ProducerRecord<>(deadLetterTopic, null, null, key, null,
                    letter.headers())).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return ProductionExceptionHandlerResponse.CONTINUE;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.error("could not write the {} dead letter of topic {} partition {} offset {} to {}: the record will "
                    + "be read again", DeadLetterKind.OUTPUT_REJECTED, context.topic(), context.partition(),
                    context.offset(), deadLetterTopic, e);
            return ProductionExceptionHandlerResponse.FAIL;
        }
    }

    private synchronized Producer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(producerConfig);
        }
        return producer;
    }

    private static long size(ProducerRecord<byte[], byte[]> record) {
        return (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
    }
}
