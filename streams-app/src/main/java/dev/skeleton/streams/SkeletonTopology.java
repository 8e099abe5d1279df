package dev.skeleton.streams;

import dev.skeleton.streams.classify.TaskClassifier;
import dev.skeleton.streams.registry.RegistrySigner;
import dev.skeleton.streams.registry.RegistryUpdater;
import dev.skeleton.streams.registry.SkeletonRegistry;
import dev.skeleton.streams.serde.ParsedRequest;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * The service's topology, built in one place:
 * <pre>
 *   input topics (or pattern) --classify (per-task batches on the inference workers)--+--> output topic
 *                                                                                    |    (or output.topic.TASK)
 *                                                                                    +--> dead-letter topic
 *   registry topic --(global store, processor on every record and on restore)--> SkeletonRegistry
 * </pre>
 */
public final class SkeletonTopology {

    /** Name of the global store that mirrors the registry topic (task id to last version seen). */
    public static final String REGISTRY_STORE = "skeleton-registry";

    private SkeletonTopology() {}

    /**
     * Adds the request path: read requests, label them in per-task batches with {@code classifier} on
     * {@code workers}, write results and dead letters, count them in {@code metrics}. Returns {@code builder}.
     */
    public static StreamsBuilder build(StreamsBuilder builder, StreamsAppConfig config, TaskClassifier classifier,
            InferenceWorkers workers, ServiceMetrics metrics) {
        Topics topics = new Topics(config);
        TaskResolver resolver = new TaskResolver(config.topicTaskMapping());
        int maxTextChars = config.maxTextChars();
        OutputLimits limits = config.outputLimits();
        BatchSettings batchSettings = config.batchSettings();
        builder.addStateStore(PreCommitHook.builder(ClassifyProcessor.COMMIT_HOOK_STORE));

        KStream<byte[], ParsedRequest> requests = topics.inputPattern()
                .map(pattern -> builder.stream(pattern, topics.requests().withName("requests")))
                .orElseGet(() -> builder.stream(topics.inputTopics(), topics.requests().withName("requests")));

        requests.process(() -> new ClassifyProcessor(classifier, resolver, maxTextChars, limits, batchSettings,
                        workers, metrics), Named.as("classify"), ClassifyProcessor.COMMIT_HOOK_STORE)
                .split(Named.as("route-"))
                .branch((key, routed) -> routed instanceof Routed.Output,
                        Branched.withConsumer(labeled -> labeled
                                .mapValues(routed -> ((Routed.Output) routed).result(), Named.as("result"))
                                .to(topics.resultTopics(), topics.results().withName("results")), "labeled"))
                .defaultBranch(Branched.withConsumer(dead -> dead
                        .mapValues(routed -> ((Routed.DeadLetter) routed).value(), Named.as("dead-letter-value"))
                        .to(topics.deadLetterTopic(), topics.deadLetters().withName("dead-letters")), "dead-letter"));
        return builder;
    }

    /**
     * Adds the registry: every record of the registry topic goes to {@code registry}, live and on restore.
     * Returns {@code builder}.
     *
     * <p>The store is in memory on purpose: an in-memory global store has no checkpoint, so every start replays the
     * whole (compacted) registry topic through the processor and rebuilds every task's model. A persistent store
     * would resume from its checkpoint and leave the registry empty after a restart.
     */
    public static StreamsBuilder addRegistry(StreamsBuilder builder, StreamsAppConfig config,
            SkeletonRegistry registry) {
        Topics topics = new Topics(config);
        Optional<RegistrySigner> signer = config.registrySigner();
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(REGISTRY_STORE), Serdes.String(),
                        Serdes.Long()).withLoggingDisabled(),
                topics.registryTopic(),
                topics.skeletons().withName("registry"),
                () -> new RegistryUpdater(registry, REGISTRY_STORE, signer));
        return builder;
    }
}
