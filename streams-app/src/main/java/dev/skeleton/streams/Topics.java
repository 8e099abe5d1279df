package dev.skeleton.streams;

import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.streams.serde.ParsedRequest;
import dev.skeleton.streams.serde.SkeletonSerdes;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp;

/**
 * The service's topics bound to their serdes, in one immutable place: whoever reads or writes a topic gets its
 * name and its format together. Keys are raw bytes everywhere, so a record's key leaves exactly as it came.
 */
public final class Topics {

    private final List<String> inputTopics;
    private final Optional<Pattern> inputPattern;
    private final String outputTopic;
    private final boolean outputPerTask;
    private final String deadLetterTopic;
    private final String registryTopic;

    public Topics(StreamsAppConfig config) {
        this.inputTopics = config.inputTopics();
        this.inputPattern = config.inputPattern();
        this.outputTopic = config.outputTopic();
        this.outputPerTask = config.outputPerTask();
        this.deadLetterTopic = config.dlqTopic();
        this.registryTopic = config.registryTopic();
    }

    /** Input topics by name; empty when a pattern is used. */
    public List<String> inputTopics() {
        return inputTopics;
    }

    public Optional<Pattern> inputPattern() {
        return inputPattern;
    }

    /**
     * How requests are read. A record with an invalid (negative) timestamp takes its partition's time instead of
     * stopping the stream thread: one odd producer must not halt the service.
     */
    public Consumed<byte[], ParsedRequest> requests() {
        return Consumed.with(Serdes.ByteArray(), SkeletonSerdes.requests())
                .withTimestampExtractor(new UsePartitionTimeOnInvalidTimestamp());
    }

    /** The topic a task's results go to: the output topic, or {@code output.topic + "." + task}. */
    public String outputTopicFor(String task) {
        return outputPerTask ? outputTopic + "." + task : outputTopic;
    }

    /** Whether each task has its own output topic. */
    public boolean outputPerTask() {
        return outputPerTask;
    }

    /** The shared output topic, or the prefix of the per-task ones. */
    public String outputTopic() {
        return outputTopic;
    }

    public TopicNameExtractor<byte[], ClassificationResult> resultTopics() {
        return (key, result, context) -> outputTopicFor(result.getTask());
    }

    public Produced<byte[], ClassificationResult> results() {
        return Produced.with(Serdes.ByteArray(), SkeletonSerdes.results());
    }

    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    /** Dead letters keep the original key and value bytes. */
    public Produced<byte[], byte[]> deadLetters() {
        return Produced.with(Serdes.ByteArray(), Serdes.ByteArray());
    }

    public String registryTopic() {
        return registryTopic;
    }

    /** Registry records: raw values, so that their signature is checked before anything decodes them. */
    public Consumed<String, byte[]> skeletons() {
        return Consumed.with(Serdes.String(), Serdes.ByteArray())
                .withTimestampExtractor(new UsePartitionTimeOnInvalidTimestamp());
    }

    /**
     * Topics the service creates at start when missing: the dead-letter topic, the shared output topic and the
     * named input topics (the registry topic is created compacted, apart). Per-task output topics are created when
     * their task is loaded.
     */
    public Set<String> plainTopicsToCreate() {
        Set<String> topics = new LinkedHashSet<>(inputTopics);
        topics.add(deadLetterTopic);
        if (!outputPerTask) {
            topics.add(outputTopic);
        }
        return topics;
    }
}
