package dev.skeleton.cli.live;

import dev.skeleton.avro.ClassificationRequest;
import dev.skeleton.streams.serde.SkeletonSerdes;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Produces classification requests to a topic as a client application would (Avro single-object values, the
 * request id as key so that per-key order means something) and remembers when each was handed to the producer,
 * the start of its end-to-end latency.
 */
public final class RequestSender implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Serializer<ClassificationRequest> serializer = SkeletonSerdes.requestSerializer();
    private final Map<String, Long> sentNanos = new ConcurrentHashMap<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public RequestSender(String bootstrapServers, String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 2),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends {@code request}; throws if an earlier send failed (the broker is gone, say). */
    public void send(ClassificationRequest request) {
        sendRaw(request.getId(), serializer.serialize(topic, request));
    }

    /** Sends {@code value} as it is, under key {@code id}: for records that are deliberately not requests. */
    public void sendRaw(String id, byte[] value) {
        Exception failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("producing to " + topic + " failed: " + failed, failed);
        }
        sentNanos.put(id, System.nanoTime());
        producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), value), (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
    }

    /**
     * Sends {@code count} requests made by {@code request} (given their index), {@code perSecond} of them per
     * second on a fixed schedule that does not drift when one send is slow; {@code perSecond <= 0} sends them as
     * fast as possible.
     */
    public void sendPaced(int count, double perSecond, IntFunction<ClassificationRequest> request) {
        long start = System.nanoTime();
        for (int i = 0; i < count && !Thread.currentThread().isInterrupted(); i++) {
            if (perSecond > 0) {
                long due = start + (long) (i * 1e9 / perSecond);
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
            }
            send(request.apply(i));
        }
        producer.flush();
    }

    /** When the request with {@code id} was sent, in {@link System#nanoTime()} terms. */
    public OptionalLong sentNanos(String id) {
        Long nanos = sentNanos.get(id);
        return nanos == null ? OptionalLong.empty() : OptionalLong.of(nanos);
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
