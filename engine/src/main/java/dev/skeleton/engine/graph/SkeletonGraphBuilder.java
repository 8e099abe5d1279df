package dev.skeleton.engine.graph;

import static dev.skeleton.engine.graph.GraphWriter.MICROSOFT;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.skeleton.avro.FfnDelta;
import dev.skeleton.avro.InputKind;
import dev.skeleton.avro.Pooling;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.model.EncoderLayer;
import dev.skeleton.engine.model.EncoderWeights;
import dev.skeleton.engine.model.FloatTensor;
import dev.skeleton.engine.model.LayerNorm;
import dev.skeleton.engine.skeleton.Matrices;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes the ONNX graph of one task skeleton: soft prompt prepended to the word embeddings (for a deep prompt,
 * also an offset added to the prompt positions' states before every later layer), every encoder layer with only its
 * kept attention heads and FFN neurons (the others are sliced out of the weight
 * matrices, so they cost nothing), pooling and the classification head. A SIAMESE task's graph ends at the pooled
 * vector of each row (a text or a pair alone); the engine's {@code SiameseHead} joins them.
 *
 * <p>Layers use ONNX Runtime's fused transformer kernels ({@code Attention}, {@code SkipLayerNormalization},
 * {@code BiasGelu}) because the per-op overhead of the decomposed graph is a large share of the time at
 * the short sequences of streaming classification. Weights that are the same for every task (embeddings,
 * norms, biases, the layer matrices it keeps whole) are shared initializers; pruned layer matrices (the FFN ones with
 * the skeleton's low-rank update added, when it has one), prompt and head are owned by the task's model.
 */
public final class SkeletonGraphBuilder {

    private final EncoderWeights base;
    private final Precision precision;
    private final BaseTensors derived = new BaseTensors();

    public SkeletonGraphBuilder(EncoderWeights base, Precision precision) {
        this.base = base;
        this.precision = precision;
    }

    /** The graph of {@code skeleton}, which must already be valid for this base model. */
    public SkeletonGraph build(TaskSkeleton skeleton) {
        GraphWriter g = new GraphWriter("skeleton-" + skeleton.getTaskId() + "-v" + skeleton.getVersion());
        g.input(SkeletonGraph.INPUT_IDS, TensorProto.DataType.INT64, "batch", "tokens");
        g.input(SkeletonGraph.ATTENTION_MASK, TensorProto.DataType.INT64, "batch", "tokens");
        g.input(SkeletonGraph.TOKEN_TYPE_IDS, TensorProto.DataType.INT64, "batch", "tokens");

        FloatTensor prompt = Matrices.toTensor(skeleton.getPrompt());
        int promptRows = prompt.rows();
        String hidden = embeddings(g, prompt);
        String mask = promptRows == 0 ? SkeletonGraph.ATTENTION_MASK : extendMask(g, promptRows);
        String maskInt32 = g.node("Cast", Map.of("to", TensorProto.DataType.INT32_VALUE), mask);

        List<EncoderLayer> layers = base.layers();
        for (int i = 0; i < layers.size(); i++) {
            if (i > 0 && !skeleton.getLayerPrompts().isEmpty()) {
                hidden = offsetPrompt(g, hidden, i, Matrices.toTensor(skeleton.getLayerPrompts().get(i - 1)));
            }
            int[] heads = kept(skeleton.getHeadsKept(), i);
            int[] neurons = kept(skeleton.getFfnKept(), i);
            FfnDelta delta = skeleton.getFfnDeltas().isEmpty() ? null : skeleton.getFfnDeltas().get(i);
            hidden = layer(g, i, layers.get(i), hidden, maskInt32, heads, neurons, delta);
        }

        String pooled = pool(g, hidden, promptRows, skeleton.getPooling());
        if (skeleton.getInput().getKind() == InputKind.SIAMESE) {
            // each row's pooled vector only: the engine joins a text's and its pair's after the encoder, so the two
            // need not be padded to one length
            g.output(SkeletonGraph.POOLED, pooled);
        } else {
            head(g, pooled, skeleton);
        }
        return new SkeletonGraph(g.toModelBytes(), Map.copyOf(g.sharedInitializers()), g.ownedBytes(), promptRows);
    }

    /** The classification head on the pooled vector: probabilities, logits and the pooled vector as outputs. */
    private static void head(GraphWriter g, String pooled, TaskSkeleton skeleton) {
        FloatTensor headWeight = Matrices.toTensor(skeleton.getHead().getWeight());
        float[] headBias = new float[skeleton.getHead().getBias().size()];
        for (int i = 0; i < headBias.length; i++) {
            headBias[i] = skeleton.getHead().getBias().get(i);
        }
        String logits = g.node("Add",
                g.node("MatMul", pooled, g.owned("head.weight", headWeight)),
                g.owned("head.bias", FloatTensor.vector(headBias)));
        String probabilities = g.node("Softmax", Map.of("axis", -1), logits);
        g.output(SkeletonGraph.PROBABILITIES, probabilities);
        g.output(SkeletonGraph.LOGITS, logits);
        g.output(SkeletonGraph.POOLED, pooled);
    }

    /** Kept indices of one layer, sorted; null means all. */
    private static int[] kept(List<List<Integer>> perLayer, int layer) {
        if (perLayer == null) {
            return null;
        }
        return perLayer.get(layer).stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** word + token type embeddings, prompt prepended, + positions over the whole sequence, layer norm. */
    private String embeddings(GraphWriter g, FloatTensor prompt) {
        int hiddenSize = base.hiddenSize();
        String words = g.node("Gather", g.shared("base.embeddings.word", base.wordEmbeddings()),
                SkeletonGraph.INPUT_IDS);
        String types = g.node("Gather", g.shared("base.embeddings.token_type", base.tokenTypeEmbeddings()),
                SkeletonGraph.TOKEN_TYPE_IDS);
        String embedded = g.node("Add", words, types);
        if (prompt.rows() > 0) {
            // Prompt positions take token type 0, like the first text segment; add it once here, not per request.
            float[] withType = prompt.data().clone();
            float[] type0 = base.tokenTypeEmbeddings().data();
            for (int i = 0; i < withType.length; i++) {
                withType[i] += type0[i % hiddenSize];
            }
            String promptInit = g.owned("prompt", new FloatTensor(prompt.shape(), withType), 1, prompt.rows(),
                    hiddenSize);
            String batch = g.node("Slice", g.node("Shape", SkeletonGraph.INPUT_IDS), g.int64s(0), g.int64s(1));
            String promptShape = g.node("Concat", Map.of("axis", 0), batch, g.int64s(prompt.rows(), hiddenSize));
            String batchPrompt = g.node("Expand", promptInit, promptShape);
            embedded = g.node("Concat", Map.of("axis", 1), batchPrompt, embedded);
        }
        String length = g.node("Slice", g.node("Shape", embedded), g.int64s(1), g.int64s(2));
        String positions = g.node("Slice", g.shared("base.embeddings.position", base.positionEmbeddings()),
                g.int64s(0), length, g.int64s(0));
        return layerNorm(g, g.node("Add", embedded, positions), base.embeddingNorm(), "base.embeddings.norm");
    }

    /** Deep prompt: adds the layer's offset to the prompt positions' states, leaves the text positions alone. */
    private String offsetPrompt(GraphWriter g, String hidden, int layer, FloatTensor offset) {
        int rows = offset.rows();
        String promptStates = g.node("Slice", hidden, g.int64s(0), g.int64s(rows), g.int64s(1));
        String text = g.node("Slice", hidden, g.int64s(rows), g.int64s(Long.MAX_VALUE), g.int64s(1));
        String shifted = g.node("Add", promptStates,
                g.owned("layer_prompt." + layer, offset, 1, rows, base.hiddenSize()));
        return g.node("Concat", Map.of("axis", 1), shifted, text);
    }

    /** Attention mask with ones for the prompt positions in front. */
    private static String extendMask(GraphWriter g, int promptRows) {
        String batch = g.node("Slice", g.node("Shape", SkeletonGraph.ATTENTION_MASK), g.int64s(0), g.int64s(1));
        String onesShape = g.node("Concat", Map.of("axis", 0), batch, g.int64s(promptRows));
        String ones = g.node("Expand", g.int64Ones(1, promptRows), onesShape);
        return g.node("Concat", Map.of("axis", 1), ones, SkeletonGraph.ATTENTION_MASK);
    }

    private String layer(GraphWriter g, int index, EncoderLayer l, String hidden, String mask, int[] heads,
            int[] neurons, FfnDelta delta) {
        String prefix = "base.layer" + index;
        int headSize = base.headSize();
        int numHeads = base.numHeads();
        boolean allHeads = heads == null || heads.length == numHeads;

        // --- self-attention over the kept heads
        String attended;
        if (heads != null && heads.length == 0) {
            attended = layerNorm(g, g.node("Add", hidden,
                    g.shared(prefix + ".attention.out.bias", l.attentionOutBias())),
                    l.attentionNorm(), prefix + ".attention.norm");
        } else {
            String[] qkv;
            String qkvBias;
            String[] outWeight;
            if (allHeads) {
                qkv = baseMatrix(g, prefix + ".attention.qkv",
                        () -> FloatTensor.concatColumns(l.query(), l.key(), l.value()));
                qkvBias = g.shared(prefix + ".attention.qkv.bias",
                        FloatTensor.concatEntries(l.queryBias(), l.keyBias(), l.valueBias()));
                outWeight = baseMatrix(g, prefix + ".attention.out", l::attentionOut);
            } else {
                int[] columns = headColumns(heads, headSize);
                qkv = ownedMatrix(g, "layer" + index + ".attention.qkv", FloatTensor.concatColumns(
                        l.query().selectColumns(columns), l.key().selectColumns(columns),
                                l.value().selectColumns(columns)));
                qkvBias = g.owned("layer" + index + ".qkv.bias", FloatTensor.concatEntries(
                        l.queryBias().selectEntries(columns), l.keyBias().selectEntries(columns),
                        l.valueBias().selectEntries(columns)));
                outWeight = ownedMatrix(g, "layer" + index + ".attention.out", l.attentionOut().selectRows(columns));
            }
            int keptHeads = allHeads ? numHeads : heads.length;
            String context = attention(g, hidden, qkv, qkvBias, mask, keptHeads);
            attended = skipLayerNorm(g, matMul(g, context, outWeight), hidden,
                    g.shared(prefix + ".attention.out.bias", l.attentionOutBias()),
                    l.attentionNorm(), prefix + ".attention.norm");
        }

        // --- FFN over the kept neurons
        String outBias = g.shared(prefix + ".ffn.out.bias", l.ffnOutBias());
        if (neurons != null && neurons.length == 0) {
            return layerNorm(g, g.node("Add", attended, outBias), l.ffnNorm(), prefix + ".ffn.norm");
        }
        boolean allNeurons = neurons == null || neurons.length == l.intermediateSize();
        String[] in;
        String[] out;
        if (allNeurons && delta == null) {
            in = baseMatrix(g, prefix + ".ffn.in", l::ffnIn);
            out = baseMatrix(g, prefix + ".ffn.out", l::ffnOut);
        } else {
            // pruned or updated: the task's own matrices, with its low-rank update added once, here
            FloatTensor inWeight = allNeurons ? l.ffnIn() : l.ffnIn().selectColumns(neurons);
            FloatTensor outWeight = allNeurons ? l.ffnOut() : l.ffnOut().selectRows(neurons);
            if (delta != null) {
                inWeight = inWeight.plusProduct(Matrices.toTensor(delta.getUpA()), Matrices.toTensor(delta.getUpB()));
                outWeight = outWeight.plusProduct(Matrices.toTensor(delta.getDownA()),
                        Matrices.toTensor(delta.getDownB()));
            }
            in = ownedMatrix(g, "layer" + index + ".ffn.in", inWeight);
            out = ownedMatrix(g, "layer" + index + ".ffn.out", outWeight);
        }
        String inBias = allNeurons ? g.shared(prefix + ".ffn.in.bias", l.ffnInBias())
                : g.owned("layer" + index + ".ffn.in.bias", l.ffnInBias().selectEntries(neurons));
        String activated = g.node("BiasGelu", MICROSOFT, Map.of(), matMul(g, attended, in), inBias);
        return skipLayerNorm(g, matMul(g, activated, out), attended, outBias, l.ffnNorm(), prefix + ".ffn.norm");
    }

    /**
     * A layer matrix the task prunes, owned by its model: {@code [weight]} in fp32, {@code [int8 weight, scales]}
     * in int8.
     */
    private String[] ownedMatrix(GraphWriter g, String name, FloatTensor weight) {
        if (precision == Precision.FP32) {
            return new String[] {g.owned(name, weight)};
        }
        Int8Weight q = Int8Weight.perColumn(weight);
        return new String[] {g.ownedInt8(name, q.data(), weight.shape()),
                g.owned(name + ".scale", FloatTensor.vector(q.scales()))};
    }

    /**
     * A layer matrix the task keeps whole: the base model's, derived once per engine and shared by every session
     * (ONNX Runtime still keeps a pre-packed copy per session unless the engine turns pre-packing off).
     */
    private String[] baseMatrix(GraphWriter g, String name, Supplier<FloatTensor> weight) {
        if (precision == Precision.FP32) {
            return new String[] {g.shared(name, derived.floats(name, weight))};
        }
        SharedTensor[] q = derived.int8(name + ".int8", weight);
        return new String[] {g.shared(name + ".int8", q[0]), g.shared(name + ".int8.scale", q[1])};
    }

    /** {@code x} times a layer matrix; in int8, {@code DynamicQuantizeMatMul} quantizes {@code x} per batch. */
    private String matMul(GraphWriter g, String x, String[] weight) {
        if (precision == Precision.FP32) {
            return g.node("MatMul", x, weight[0]);
        }
        return g.node("DynamicQuantizeMatMul", MICROSOFT, Map.of(), x, weight[0], weight[1]);
    }

    /** Fused self-attention with the task's QKV projection: {@code Attention}, or {@code QAttention} in int8. */
    private String attention(GraphWriter g, String hidden, String[] qkv, String qkvBias, String mask, int heads) {
        if (precision == Precision.FP32) {
            return g.node("Attention", MICROSOFT, Map.of("num_heads", heads), hidden, qkv[0], qkvBias, mask);
        }
        // uint8 input, its scale and zero point, computed per batch
        String[] input = g.nodeOutputs("DynamicQuantizeLinear", "", 3, hidden);
        return g.node("QAttention", MICROSOFT, Map.of("num_heads", heads), input[0], qkv[0], qkvBias, input[1],
                qkv[1], mask, input[2]);
    }

    private static int[] headColumns(int[] heads, int headSize) {
        int[] columns = new int[heads.length * headSize];
        for (int h = 0; h < heads.length; h++) {
            for (int j = 0; j < headSize; j++) {
                columns[h * headSize + j] = heads[h] * headSize + j;
            }
        }
        return columns;
    }

    private static String layerNorm(GraphWriter g, String x, LayerNorm norm, String name) {
        return g.node("LayerNormalization", Map.of("axis", -1, "epsilon", norm.epsilon()),
                x, g.shared(name + ".gamma", norm.gamma()), g.shared(name + ".beta", norm.beta()));
    }

    /** LayerNorm(x + skip + bias) in one kernel. */
    private static String skipLayerNorm(GraphWriter g, String x, String skip, String bias, LayerNorm norm,
            String name) {
        return g.node("SkipLayerNormalization", MICROSOFT, Map.of("epsilon", norm.epsilon()),
                x, skip, g.shared(name + ".gamma", norm.gamma()), g.shared(name + ".beta", norm.beta()), bias);
    }

    /** Pooled text representation; prompt positions never enter it. */
    private static String pool(GraphWriter g, String hidden, int promptRows, Pooling pooling) {
        String text = promptRows == 0 ? hidden
                : g.node("Slice", hidden, g.int64s(promptRows), g.int64s(Long.MAX_VALUE), g.int64s(1));
        if (pooling == Pooling.CLS) {
            return g.node("Gather", Map.of("axis", 1), text, g.int64Scalar(0));
        }
        String mask = g.node("Cast", Map.of("to", TensorProto.DataType.FLOAT_VALUE), SkeletonGraph.ATTENTION_MASK);
        String mask3 = g.node("Unsqueeze", mask, g.int64s(2));
        String summed = g.node("ReduceSum", Map.of("keepdims", 0), g.node("Mul", text, mask3), g.int64s(1));
        String count = g.node("ReduceSum", Map.of("keepdims", 1), mask, g.int64s(1));
        return g.node("Div", summed, g.node("Max", count, g.floatScalar(1e-9f)));
    }
}
