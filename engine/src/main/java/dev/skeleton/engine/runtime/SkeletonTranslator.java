package dev.skeleton.engine.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.skeleton.engine.graph.SkeletonGraph;
import dev.skeleton.engine.text.EncodedBatch;

/**
 * DJL pre- and post-processing of one task: a tokenized, padded batch in as the model's three id tensors,
 * raw per-input outputs out. Tokenizing and grouping inputs into batches happen before (see
 * {@link TaskModel}), so this is a {@link NoBatchifyTranslator} over whole batches.
 */
final class SkeletonTranslator implements NoBatchifyTranslator<EncodedBatch, ForwardOutput> {

    private static final String TRUNCATED = "truncated";

    @Override
    public NDList processInput(TranslatorContext ctx, EncodedBatch batch) {
        ctx.setAttachment(TRUNCATED, batch.truncated());
        NDManager manager = ctx.getNDManager();
        return new NDList(
                matrix(manager, batch.inputIds(), SkeletonGraph.INPUT_IDS),
                matrix(manager, batch.attentionMask(), SkeletonGraph.ATTENTION_MASK),
                matrix(manager, batch.tokenTypeIds(), SkeletonGraph.TOKEN_TYPE_IDS));
    }

    private static NDArray matrix(NDManager manager, long[][] rows, String name) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        long[] flat = new long[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * cols, cols);
        }
        NDArray array = manager.create(flat, new Shape(rows.length, cols));
        array.setName(name);
        return array;
    }

    /** Per row of the batch; probabilities and logits are null for a graph without a head (SIAMESE). */
    @Override
    public ForwardOutput processOutput(TranslatorContext ctx, NDList outputs) {
        return new ForwardOutput(
                rows(outputs.get(SkeletonGraph.PROBABILITIES)),
                rows(outputs.get(SkeletonGraph.LOGITS)),
                rows(outputs.get(SkeletonGraph.POOLED)),
                (boolean[]) ctx.getAttachment(TRUNCATED));
    }

    private static float[][] rows(NDArray array) {
        if (array == null) {
            return null;
        }
        long[] shape = array.getShape().getShape();
        int n = (int) shape[0];
        int cols = (int) shape[1];
        float[] flat = array.toFloatArray();
        float[][] out = new float[n][cols];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * cols, out[i], 0, cols);
        }
        return out;
    }
}
