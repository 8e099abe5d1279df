package dev.skeleton.streams.serde;

import dev.skeleton.avro.ClassificationRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Requests and their encodings, for tests of the serdes and of the topology. */
public final class TestRequests {

    private TestRequests() {}

    public static ClassificationRequest request(String id, String task, String text, String pair,
            Map<String, String> meta) {
        return ClassificationRequest.newBuilder().setId(id).setTask(task).setText(text).setTextPair(pair)
                .setMetadata(meta).build();
    }

    /** Avro single-object encoding, as producers write it. */
    public static byte[] avro(ClassificationRequest request) {
        return SkeletonSerdes.requestSerializer().serialize("any", request);
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
