package dev.skeleton.cli.live;

import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.streams.DeadLetters;
import dev.skeleton.streams.serde.SkeletonSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the service's output and dead-letter topics from the beginning, as a downstream application would (committed
 * records only), on a thread of its own. Keeps the first answer per request id, counts duplicates and outputs whose
 * skeleton version is older than one already seen for the task (a hot swap must never go backwards), and tells
 * listeners about every answer.
 */
public final class ResultCollector implements AutoCloseable {

    /**
     * One answer as it arrived.
     *
     * @param id           request id (the record key)
     * @param result       the label, or null for a dead letter
     * @param deadLetter   the dead-letter kind, or null for a label
     * @param arrivedNanos when it was read, in {@link System#nanoTime()} terms
     */
    public record Arrival(String id, ClassificationResult result, String deadLetter, long arrivedNanos) {}

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String outputTopic;
    private final Deserializer<ClassificationResult> results = SkeletonSerdes.resultDeserializer();
    private final Map<String, Arrival> first = new ConcurrentHashMap<>();
    private final Map<String, Long> newestVersion = new ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong versionRegressions = new AtomicLong();
    private final List<Consumer<Arrival>> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile RuntimeException failure;

    /** Starts reading {@code outputTopic} and {@code dlqTopic}, which must exist. */
    public ResultCollector(String bootstrapServers, String outputTopic, String dlqTopic) {
        this.outputTopic = outputTopic;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // assigned, not subscribed: no group, so no rebalance delay before the first record
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(outputTopic, dlqTopic)) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(this::readLoop, "result-collector");
        thread.setDaemon(true);
        thread.start();
    }

    /** Calls {@code listener} with every first answer, on the collector's thread. */
    public void onArrival(Consumer<Arrival> listener) {
        listeners.add(listener);
    }

    private void readLoop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    accept(record, System.nanoTime());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> record, long now) {
        String id = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        Arrival arrival;
        if (record.topic().equals(outputTopic)) {
            ClassificationResult result = results.deserialize(record.topic(), record.value());
            long newest = newestVersion.merge(result.getTask(), result.getSkeletonVersion(), Math::max);
            if (result.getSkeletonVersion() < newest) {
                versionRegressions.incrementAndGet();
            }
            arrival = new Arrival(id, result, null, now);
        } else {
            Header kind = record.headers().lastHeader(DeadLetters.KIND_HEADER);
            arrival = new Arrival(id, null, kind == null ? "unknown" : new String(kind.value(),
                    StandardCharsets.UTF_8), now);
        }
        if (first.putIfAbsent(id, arrival) != null) {
            duplicates.incrementAndGet();
            return;
        }
        listeners.forEach(l -> l.accept(arrival));
    }

    /** The first answer for {@code id}, or null if none yet. */
    public Arrival arrival(String id) {
        return first.get(id);
    }

    /** Distinct request ids answered so far. */
    public int answered() {
        return first.size();
    }

    /** Answers for an id that already had one. */
    public long duplicates() {
        return duplicates.get();
    }

    /** Labels from an older skeleton version than one already seen for the same task. */
    public long versionRegressions() {
        return versionRegressions.get();
    }

    /**
     * Waits until every id in {@code ids} has an answer, or {@code timeout} passes. Returns the ids still without
     * one (empty when all arrived).
     */
    public List<String> await(Collection<String> ids, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> missing = missing(ids);
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
            checkAlive();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            missing = missing(missing);
        }
        return missing;
    }

    private List<String> missing(Collection<String> ids) {
        List<String> missing = new ArrayList<>();
        for (String id : ids) {
            if (!first.containsKey(id)) {
                missing.add(id);
            }
        }
        return missing;
    }

    private void checkAlive() {
        if (failure != null) {
            throw new IllegalStateException("reading " + outputTopic + " failed: " + failure, failure);
        }
    }

    @Override
    public void close() {
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
