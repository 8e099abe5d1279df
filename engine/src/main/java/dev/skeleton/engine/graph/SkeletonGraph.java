package dev.skeleton.engine.graph;

import java.util.Map;

/**
 * A task's runnable ONNX model.
 *
 * @param modelBytes  serialized ONNX model; holds only the task-owned weights
 * @param shared      base-model initializers the session must be given by name (held once by the engine)
 * @param ownedBytes  bytes of weights owned by this task: pruned layer matrices, prompt and head
 * @param promptRows  soft prompt length
 */
public record SkeletonGraph(byte[] modelBytes, Map<String, SharedTensor> shared, long ownedBytes, int promptRows) {

    /** Graph input and output names. */
    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    public static final String PROBABILITIES = "probabilities";
    public static final String LOGITS = "logits";
    public static final String POOLED = "pooled";
}
