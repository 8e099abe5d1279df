package dev.skeleton.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.model.EncoderLayer;
import dev.skeleton.streams.registry.SkeletonRegistry;
import java.time.Instant;
import java.util.List;

/**
 * The {@code /tasks} document: what the registry serves (task, version, labels, input kind, keep ratios, when it
 * was swapped in) and which versions it refused and why.
 *
 * <p>Keep ratios are the kept fraction of FFN neurons and of attention heads over all layers of the base model
 * (1.0 when the skeleton keeps all).
 */
final class TasksView {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SkeletonRegistry registry;
    private final int layers;
    private final int ffnSize;
    private final int heads;

    TasksView(SkeletonRegistry registry, BaseModel base) {
        this.registry = registry;
        List<EncoderLayer> l = base.weights().layers();
        this.layers = l.size();
        this.ffnSize = l.get(0).intermediateSize();
        this.heads = base.weights().numHeads();
    }

    ObjectNode json() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode serving = root.putArray("serving");
        registry.serving().forEach((task, s) -> {
            TaskSkeleton k = s.skeleton();
            ObjectNode t = serving.addObject();
            t.put("task", task);
            t.put("version", k.getVersion());
            t.put("input", k.getInput().getKind().name());
            ArrayNode labels = t.putArray("labels");
            k.getLabels().forEach(labels::add);
            t.put("ffnKeepRatio", keepRatio(k.getFfnKept(), ffnSize));
            t.put("headKeepRatio", keepRatio(k.getHeadsKept(), heads));
            t.put("promptLength", k.getPrompt().getRows());
            t.put("deepPrompt", !k.getLayerPrompts().isEmpty());
            t.put("ffnUpdateRank", k.getFfnDeltas().isEmpty() ? 0 : k.getFfnDeltas().get(0).getUpA().getCols());
            t.put("baseModelFingerprint", k.getBaseModel().getFingerprint());
            t.put("loadedAt", Instant.ofEpochMilli(s.loadedAtMillis()).toString());
        });
        ArrayNode refused = root.putArray("refused");
        registry.refused().forEach((task, r) -> {
            ObjectNode t = refused.addObject();
            t.put("task", task);
            if (r.version() >= 0) {
                t.put("version", r.version());
            } else {
                t.putNull("version");
            }
            t.put("reason", r.reason());
            t.put("refusedAt", Instant.ofEpochMilli(r.refusedAtMillis()).toString());
        });
        root.put("swaps", registry.swapCount());
        root.put("refusals", registry.refusalCount());
        root.put("retirements", registry.retirementCount());
        return root;
    }

    private double keepRatio(List<List<Integer>> kept, int perLayer) {
        if (kept == null) {
            return 1.0;
        }
        long total = kept.stream().mapToLong(List::size).sum();
        return (double) total / ((long) layers * perLayer);
    }
}
