package dev.skeleton.builder.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.LayerNorm;
import dev.skeleton.avro.InputKind;
import dev.skeleton.avro.Pooling;
import dev.skeleton.engine.model.EncoderLayer;
import dev.skeleton.engine.model.EncoderWeights;
import dev.skeleton.engine.text.EncodedBatch;
import dev.skeleton.engine.text.InputKinds;
import java.util.ArrayList;
import java.util.List;

/**
 * The base encoder on DJL's PyTorch engine, for training: frozen weights, and a forward pass of a skeleton
 * that computes what the serving graph computes ({@code SkeletonGraphBuilder}): prompt (plus token type 0)
 * before the word embeddings, positions over the whole sequence, a deep prompt's offsets added to the prompt
 * positions before each later layer, the kept heads and neurons only, pooling
 * over the text tokens (for a SIAMESE task, of the text and the pair apart, combined as {@link InputKinds} says),
 * linear head. Gradients flow to the prompt, the head and optional {@link Gates}.
 *
 * <p>Every op takes a per-step array as its left operand, so its result lands in the step's manager and is
 * freed with it; the frozen weights are never copied per step.
 */
public final class TorchEncoder implements AutoCloseable {

    /** Additive attention mask value; exp(-10000) is 0 in float32, like ONNX Runtime's Attention kernel. */
    private static final float MASKED = -10000f;

    private final EncoderWeights weights;
    private final NDManager manager;
    private final NDArray word;
    private final NDArray position;
    private final NDArray tokenType;
    private final NDArray embGamma;
    private final NDArray embBeta;

    public TorchEncoder(EncoderWeights weights, NDManager parent) {
        this.weights = weights;
        this.manager = parent.newSubManager();
        this.word = TorchLayer.nd(weights.wordEmbeddings(), manager);
        this.position = TorchLayer.nd(weights.positionEmbeddings(), manager);
        this.tokenType = TorchLayer.nd(weights.tokenTypeEmbeddings(), manager);
        this.embGamma = TorchLayer.nd(weights.embeddingNorm().gamma(), manager);
        this.embBeta = TorchLayer.nd(weights.embeddingNorm().beta(), manager);
    }

    public EncoderWeights weights() {
        return weights;
    }

    /** The layers restricted to the kept heads and neurons (null lists keep all); close with the encoder. */
    public List<TorchLayer> layers(List<List<Integer>> headsKept, List<List<Integer>> ffnKept) {
        List<TorchLayer> layers = new ArrayList<>();
        for (int i = 0; i < weights.layers().size(); i++) {
            EncoderLayer l = weights.layers().get(i);
            layers.add(TorchLayer.of(l, sorted(headsKept, i), sorted(ffnKept, i), weights.numHeads(),
                    weights.headSize(), manager));
        }
        return layers;
    }

    private static int[] sorted(List<List<Integer>> perLayer, int layer) {
        return perLayer == null ? null : perLayer.get(layer).stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /**
     * Class logits {@code [inputs, labels]} of a tokenized batch.
     *
     * @param step    manager that owns every intermediate of this pass
     * @param batch   the inputs' encoder rows ({@code TaskTokenizer}): two per input for SIAMESE, else one
     * @param kind    the task's input kind
     * @param gates   gates on the layers' neurons and heads, or null
     */
    public NDArray logits(NDManager step, EncodedBatch batch, TaskParameters params, List<TorchLayer> layers,
            Pooling pooling, InputKind kind, Gates gates) {
        NDArray features;
        if (kind == InputKind.SIAMESE) {
            // the texts and the pairs go through apart, each padded to its own longest row: a question is often
            // a third of its answer's length, so padding both to the longer would compute mostly padding
            NDArray u = pooled(step, batch.rows(0, 2), params, layers, pooling, gates);
            NDArray v = pooled(step, batch.rows(1, 2), params, layers, pooling, gates);
            features = NDArrays.concat(new NDList(u, v, u.sub(v).abs(), u.mul(v)), 1);
        } else {
            features = pooled(step, batch, params, layers, pooling, gates);
        }
        return features.matMul(params.headWeight()).add(params.headBias());
    }

    /** The pooled output {@code [rows, hidden]} of one encoder row per input. */
    private NDArray pooled(NDManager step, EncodedBatch batch, TaskParameters params, List<TorchLayer> layers,
            Pooling pooling, Gates gates) {
        int promptRows = params.promptRows();
        NDArray ids = step.create(flatten(batch.inputIds()), new Shape(batch.size(), batch.tokens()));
        NDArray types = step.create(flatten(batch.tokenTypeIds()), new Shape(batch.size(), batch.tokens()));
        NDArray mask = step.create(flatten(batch.attentionMask()), new Shape(batch.size(), batch.tokens()))
                .toType(DataType.FLOAT32, false);

        NDArray x = embed(ids, word).add(embed(types, tokenType));
        NDArray fullMask = mask;
        if (promptRows > 0) {
            NDArray type0 = embed(step.zeros(new Shape(promptRows), DataType.INT64), tokenType);
            NDArray prompt = type0.add(params.prompt()).expandDims(0)
                    .broadcast(new Shape(batch.size(), promptRows, weights.hiddenSize()));
            x = NDArrays.concat(new NDList(prompt, x), 1);
            fullMask = NDArrays.concat(new NDList(step.ones(new Shape(batch.size(), promptRows)), mask), 1);
        }
        long sequence = x.getShape().get(1);
        x = x.add(embed(step.arange(0, (int) sequence, 1, DataType.INT64), position));
        NDArray h = norm(x, embGamma, embBeta, weights.embeddingNorm().epsilon());
        // [batch, 1, 1, seq]: 0 where attended, MASKED where padding
        NDArray additiveMask = fullMask.neg().add(1f).mul(MASKED).expandDims(1).expandDims(1);

        for (int i = 0; i < layers.size(); i++) {
            TorchLayer l = layers.get(i);
            NDArray offset = params.layerPrompt(i, step);
            if (offset != null) {
                NDArray promptStates = h.get(new NDIndex(":, :{}", promptRows)).add(offset);
                h = NDArrays.concat(new NDList(promptStates, h.get(new NDIndex(":, {}:", promptRows))), 1);
            }
            h = layer(h, l, additiveMask, gates == null ? null : gates.heads().get(i),
                    gates == null ? null : gates.ffn().get(i), params.ffnAdapter(i));
        }
        NDArray text = promptRows == 0 ? h : h.get(new NDIndex(":, {}:", promptRows));
        if (pooling == Pooling.CLS) {
            return text.get(new NDIndex(":, 0, :"));
        }
        NDArray m = mask.expandDims(2);
        return text.mul(m).sum(new int[] {1}).div(mask.sum(new int[] {1}, true).maximum(1e-9f));
    }

    private NDArray layer(NDArray h, TorchLayer l, NDArray additiveMask, NDArray headGate, NDArray ffnGate,
            FfnAdapter adapter) {
        NDArray attended;
        if (l.heads() == 0) {
            attended = norm(h.add(l.attentionOutBias()), l.attentionGamma(), l.attentionBeta(), l.attentionEps());
        } else {
            long batch = h.getShape().get(0);
            long seq = h.getShape().get(1);
            int headSize = weights.headSize();
            Shape split = new Shape(batch, seq, l.heads(), headSize);
            NDArray q = h.matMul(l.query()).add(l.queryBias()).reshape(split).transpose(0, 2, 1, 3);
            NDArray k = h.matMul(l.key()).add(l.keyBias()).reshape(split).transpose(0, 2, 3, 1);
            NDArray v = h.matMul(l.value()).add(l.valueBias()).reshape(split).transpose(0, 2, 1, 3);
            NDArray scores = q.matMul(k).mul(1f / (float) Math.sqrt(headSize)).add(additiveMask);
            NDArray context = scores.softmax(-1).matMul(v);
            if (headGate != null) {
                context = context.mul(headGate);
            }
            context = context.transpose(0, 2, 1, 3).reshape(batch, seq, (long) l.heads() * headSize);
            NDArray out = context.matMul(l.attentionOut()).add(l.attentionOutBias());
            attended = norm(out.add(h), l.attentionGamma(), l.attentionBeta(), l.attentionEps());
        }
        if (l.neurons() == 0) {
            return norm(attended.add(l.ffnOutBias()), l.ffnGamma(), l.ffnBeta(), l.ffnEps());
        }
        NDArray up = attended.matMul(l.ffnIn());
        if (adapter != null) {
            up = up.add(adapter.up(attended));
        }
        NDArray activation = Activation.gelu(up.add(l.ffnInBias()));
        if (ffnGate != null) {
            activation = activation.mul(ffnGate);
        }
        NDArray down = activation.matMul(l.ffnOut());
        if (adapter != null) {
            down = down.add(adapter.down(activation));
        }
        NDArray out = down.add(l.ffnOutBias());
        return norm(out.add(attended), l.ffnGamma(), l.ffnBeta(), l.ffnEps());
    }

    private static NDArray embed(NDArray ids, NDArray table) {
        return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    private static NDArray norm(NDArray x, NDArray gamma, NDArray beta, float eps) {
        return LayerNorm.layerNorm(x, new Shape(x.getShape().getShape()[x.getShape().dimension() - 1]), gamma, beta,
                eps).singletonOrThrow();
    }

    private static long[] flatten(long[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        long[] flat = new long[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * cols, cols);
        }
        return flat;
    }

    @Override
    public void close() {
        manager.close();
    }
}
