package dev.skeleton.engine.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.skeleton.engine.graph.SkeletonGraph;
import dev.skeleton.engine.text.EncodedBatch;
import dev.skeleton.engine.text.TaskTokenizer;
import dev.skeleton.engine.text.TextInput;
import java.util.List;

/**
 * DJL pre- and post-processing of one task: a whole batch of inputs in (tokenized and padded to the
 * longest member), raw per-input outputs out. Batching is the caller's concern, so this is a
 * {@link NoBatchifyTranslator} over lists.
 */
final class SkeletonTranslator implements NoBatchifyTranslator<List<TextInput>, ForwardOutput> {

    private static final String TRUNCATED = "truncated";

    private final TaskTokenizer tokenizer;

    SkeletonTranslator(TaskTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, List<TextInput> inputs) {
        EncodedBatch batch = tokenizer.encode(inputs);
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

    @Override
    public ForwardOutput processOutput(TranslatorContext ctx, NDList outputs) {
        return new ForwardOutput(
                rows(outputs.get(SkeletonGraph.PROBABILITIES)),
                rows(outputs.get(SkeletonGraph.LOGITS)),
                rows(outputs.get(SkeletonGraph.POOLED)),
                (boolean[]) ctx.getAttachment(TRUNCATED));
    }

    private static float[][] rows(NDArray array) {
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
