package dev.skeleton.streams.registry;

import dev.skeleton.streams.registry.SkeletonRegistry.Change;
import dev.skeleton.streams.serde.ParsedSkeleton;
import dev.skeleton.streams.serde.SkeletonSerdes;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global-store processor of the registry topic: hands every record to the {@link SkeletonRegistry}, which builds
 * it on its own load threads, so this thread goes on to the next record at once. Since Kafka 3.8 it also runs while
 * the global store restores (KAFKA-7663), so a (re)starting instance queues every skeleton before it processes any
 * request, and a request for a task whose first version is still being built waits for it
 * ({@link SkeletonRegistry#acquire(String, Duration)}). The store keeps the last version seen per task.
 *
 * <p>With a {@link RegistrySigner}, a record's signature is checked before its value is even decoded: an unsigned
 * or forged record (skeleton or tombstone) is refused and changes nothing.
 */
public final class RegistryUpdater implements Processor<String, byte[], Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(RegistryUpdater.class);

    private final SkeletonRegistry registry;
    private final String storeName;
    private final Optional<RegistrySigner> signer;
    private KeyValueStore<String, Long> store;

    public RegistryUpdater(SkeletonRegistry registry, String storeName, Optional<RegistrySigner> signer) {
        this.registry = registry;
        this.storeName = storeName;
        this.signer = signer;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        long arrived = System.currentTimeMillis();
        String taskId = record.key();
        if (taskId == null) {
            log.warn("registry record without a key ignored: the key must be the task id");
            return;
        }
        long start = System.nanoTime();
        Optional<String> untrusted = signer.flatMap(s -> s.problem(taskId, record.value(), record.headers()));
        if (untrusted.isPresent()) {
            registry.refuseRecord(taskId, (record.value() == null ? "tombstone " : "") + untrusted.get());
            return;
        }
        long verified = System.nanoTime();
        ParsedSkeleton value = SkeletonSerdes.parseSkeleton(record.value());
        long decoded = System.nanoTime();
        if (value instanceof ParsedSkeleton.Corrupt corrupt) {
            registry.refuseRecord(taskId, corrupt.reason());
        } else if (value instanceof ParsedSkeleton.Present present) {
            long version = present.skeleton().getVersion();
            registry.submit(taskId, present.skeleton(), record.timestamp()).thenAccept(change -> {
                if (change == Change.LOADED || change == Change.REPLACED) {
                    registry.swapPhase(taskId, version, SwapPhase.READ,
                            Duration.ofMillis(Math.max(0, arrived - record.timestamp())));
                    registry.swapPhase(taskId, version, SwapPhase.VERIFY, Duration.ofNanos(verified - start));
                    registry.swapPhase(taskId, version, SwapPhase.DECODE, Duration.ofNanos(decoded - verified));
                }
            });
            store.put(taskId, version);
        } else {
            registry.submit(taskId, null, record.timestamp());
            store.delete(taskId);
        }
    }
}
