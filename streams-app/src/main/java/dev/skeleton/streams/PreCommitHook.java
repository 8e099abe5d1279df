package dev.skeleton.streams;

import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A state store that holds no data: it only gives its processor a call on the stream thread right before Kafka
 * Streams commits the stream task's offsets, so that the processor can forward every result it still holds.
 *
 * <p>Why a store, and why this one: Kafka Streams 4.1 commits a task in {@code StreamTask.prepareCommit}, which
 * flushes the <em>caches</em> of the task's stores ({@code ProcessorStateManager.flushCache}) and then the record
 * collector, and only then commits offsets (or, under exactly-once, the transaction). A plain
 * {@link StateStore#flush()} runs later, after the commit, when checkpointing; forwarding there would be too late.
 * So this store implements Kafka's internal {@link CachedStateStore}, and its {@link #flushCache()} is the hook.
 * This is internal API (as used by Kafka's own caching stores and by Responsive's async processor); the
 * integration tests prove the order on the pinned Kafka version. {@link #flush()} runs the hook too, harmlessly.
 *
 * <p>The store is not logged and not persistent: there is nothing to restore. A task closed without a commit
 * (crash, fenced producer) simply loses the held requests, whose offsets were not committed either.
 */
final class PreCommitHook implements StateStore, CachedStateStore<Void, Void> {

    private final String name;
    private Runnable hook = () -> {};
    private boolean open;

    PreCommitHook(String name) {
        this.name = name;
    }

    /** What to run before every commit of the stream task: the processor's flush. */
    void onCommit(Runnable hook) {
        this.hook = hook;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> {});
        open = true;
    }

    @Override
    public void flushCache() {
        hook.run();
    }

    @Override
    public void flush() {
        hook.run();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Void, Void> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void clearCache() {}

    @Override
    public void close() {
        hook = () -> {};
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Builds one {@link PreCommitHook} per stream task; never logged, never cached. */
    static StoreBuilder<PreCommitHook> builder(String name) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<PreCommitHook> withCachingEnabled() {
                return this;
            }

            @Override
            public StoreBuilder<PreCommitHook> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<PreCommitHook> withLoggingEnabled(Map<String, String> config) {
                return this;
            }

            @Override
            public StoreBuilder<PreCommitHook> withLoggingDisabled() {
                return this;
            }

            @Override
            public PreCommitHook build() {
                return new PreCommitHook(name);
            }

            @Override
            public Map<String, String> logConfig() {
                return Map.of();
            }

            @Override
            public boolean loggingEnabled() {
                return false;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
