package dev.skeleton.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.model.EncoderWeights;
import dev.skeleton.engine.runtime.BaseEngines;
import dev.skeleton.streams.registry.SkeletonRegistry;
import java.time.Instant;
import java.util.List;

/**
 * The {@code /tasks} document: the base models loaded, what the registry serves (task, version, base, labels, input
 * kind, keep ratios, when it was swapped in) and which versions it refused and why.
 *
 * <p>Keep ratios are the kept fraction of FFN neurons and of attention heads over all layers of the task's base
 * model (1.0 when the skeleton keeps all).
 */
final class TasksView {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SkeletonRegistry registry;
    private final BaseEngines engines;

    TasksView(SkeletonRegistry registry, BaseEngines engines) {
        this.registry = registry;
        this.engines = engines;
    }

    ObjectNode json() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode bases = root.putArray("baseModels");
        for (BaseModel base : engines.bases()) {
            ObjectNode b = bases.addObject();
            b.put("name", base.name());
            b.put("fingerprint", base.fingerprint());
            b.put("layers", base.weights().layers().size());
            b.put("hiddenSize", base.weights().hiddenSize());
        }
        ArrayNode serving = root.putArray("serving");
        registry.serving().forEach((task, s) -> {
            TaskSkeleton k = s.skeleton();
            String fingerprint = k.getBaseModel().getFingerprint();
            ObjectNode t = serving.addObject();
            t.put("task", task);
            t.put("version", k.getVersion());
            t.put("input", k.getInput().getKind().name());
            ArrayNode labels = t.putArray("labels");
            k.getLabels().forEach(labels::add);
            // a serving skeleton was loaded on its base, so the base is there
            BaseModel base = engines.base(fingerprint).orElseThrow();
            EncoderWeights weights = base.weights();
            t.put("ffnKeepRatio", keepRatio(k.getFfnKept(), weights.layers().size(),
                    weights.layers().get(0).intermediateSize()));
            t.put("headKeepRatio", keepRatio(k.getHeadsKept(), weights.layers().size(), weights.numHeads()));
            t.put("promptLength", k.getPrompt().getRows());
            t.put("deepPrompt", !k.getLayerPrompts().isEmpty());
            t.put("ffnUpdateRank", k.getFfnDeltas().isEmpty() ? 0 : k.getFfnDeltas().get(0).getUpA().getCols());
            t.put("baseModel", base.name());
            t.put("baseModelFingerprint", fingerprint);
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

    private static double keepRatio(List<List<Integer>> kept, int layers, int perLayer) {
        if (kept == null) {
            return 1.0;
        }
        long total = kept.stream().mapToLong(List::size).sum();
        return (double) total / ((long) layers * perLayer);
    }
}
