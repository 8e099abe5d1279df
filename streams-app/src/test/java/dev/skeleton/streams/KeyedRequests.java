package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.avro.ClassificationRequest;
import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.streams.serde.SkeletonSerdes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Requests for ordering tests: request {@code kK-S} is the S-th request of key {@code kK}, so a result says which
 * key it belongs to and where it stood.
 */
final class KeyedRequests {

    static final int KEYS = 10;

    private final int[] seq = new int[KEYS];
    private int produced;

    /** Sends request number {@link #produced()} (key {@code produced % KEYS}) for {@code task}; returns its id. */
    String send(KafkaProducer<byte[], byte[]> producer, String topic, String task) {
        int key = produced++ % KEYS;
        String id = "k" + key + "-" + seq[key]++;
        ClassificationRequest request = ClassificationRequest.newBuilder().setId(id).setTask(task)
                .setText((produced % 2 == 0 ? "a gorgeous, witty, seductive movie " : "bleak and desperate ") + id)
                .build();
        producer.send(new ProducerRecord<>(topic, ("k" + key).getBytes(StandardCharsets.UTF_8),
                SkeletonSerdes.requestSerializer().serialize(topic, request)));
        return id;
    }

    /** Requests sent so far. */
    int produced() {
        return produced;
    }

    /** Each id exactly once, and for each key its requests in the order they were sent. */
    static void assertExactlyOnceInKeyOrder(List<ClassificationResult> results, List<String> ids) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, List<Integer>> perKey = new LinkedHashMap<>();
        for (ClassificationResult r : results) {
            String id = r.getRequestId();
            counts.merge(id, 1, Integer::sum);
            String[] parts = id.split("-");
            perKey.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
        }
        assertThat(counts.keySet()).as("every request labeled").containsExactlyInAnyOrderElementsOf(ids);
        assertThat(counts).as("each exactly once").allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        perKey.forEach((key, seqs) -> assertThat(seqs).as("order of key " + key).isSorted());
    }
}
