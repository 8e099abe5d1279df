package dev.skeleton.engine.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds the weights of a BERT-family encoder in a Hugging Face ONNX export by the structure of its graph,
 * never by initializer names: embeddings are the tables that {@code Gather} reads with the token ids,
 * a layer is three projections of the hidden state (query and key meet in the score {@code MatMul},
 * value meets the softmax), an output projection, a residual and a layer norm, then an FFN with an
 * erf-GELU, a residual and a layer norm. Layer norms may be one {@code LayerNormalization} node or the
 * decomposed ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add chain of older opsets.
 *
 * <p>Anything else is refused with an {@link UnsupportedModelException} that says what was expected where.
 */
public final class BertGraphReader {

    /** Ops a tensor may pass through between a projection and the attention MatMuls. */
    private static final Set<String> ATTENTION_PASS_THROUGH =
            Set.of("Reshape", "Transpose", "Div", "Mul", "Squeeze", "Unsqueeze", "Identity");

    private final OnnxGraph graph;

    private BertGraphReader(OnnxGraph graph) {
        this.graph = graph;
    }

    /** Reads the encoder weights of {@code model}, or throws {@link UnsupportedModelException}. */
    public static EncoderWeights read(ModelProto model) {
        return new BertGraphReader(new OnnxGraph(model.getGraph())).read();
    }

    private EncoderWeights read() {
        Embeddings emb = findEmbeddings();
        LayerNormMatch embNorm = matchLayerNorm(emb.sum, "the embedding sum");
        String hidden = embNorm.output;
        int hiddenSize = emb.word.cols();
        List<EncoderLayer> layers = new ArrayList<>();
        int numHeads = -1;
        while (true) {
            List<NodeProto> projections = weightMatMuls(hidden);
            if (projections.size() != 3) {
                if (layers.isEmpty()) {
                    throw unsupported("expected 3 attention projections (query, key, value: MatMul with a constant "
                            + "[" + hiddenSize + ", " + hiddenSize + "] weight) reading the embedding output '" + hidden
                            + "', found " + projections.size());
                }
                break;
            }
            LayerMatch layer = matchLayer(hidden, projections, hiddenSize, layers.size());
            if (numHeads != -1 && layer.numHeads != numHeads) {
                throw unsupported("layer " + layers.size() + " has " + layer.numHeads + " heads, earlier layers "
                        + numHeads + "; mixed head counts are not supported");
            }
            numHeads = layer.numHeads;
            layers.add(layer.weights);
            hidden = layer.output;
        }
        return new EncoderWeights(emb.word, emb.position, emb.tokenType, embNorm.norm, layers, numHeads);
    }

    // ---------------------------------------------------------------- embeddings

    private record Embeddings(FloatTensor word, FloatTensor position, FloatTensor tokenType, String sum) {}

    private Embeddings findEmbeddings() {
        Set<String> graphInputs = graph.proto().getInputList().stream()
                .map(ValueInfoProto::getName)
                .filter(n -> !graph.isConstant(n))
                .collect(Collectors.toSet());
        List<NodeProto> tableGathers = graph.proto().getNodeList().stream()
                .filter(n -> n.getOpType().equals("Gather"))
                .filter(n -> graph.floatConstant(n.getInput(0)).map(t -> t.rank() == 2).orElse(false))
                .toList();
        List<NodeProto> byInput = tableGathers.stream()
                .filter(n -> graphInputs.contains(n.getInput(1)))
                .sorted(Comparator.comparingInt((NodeProto n) -> table(n).rows()).reversed())
                .toList();
        if (byInput.isEmpty()) {
            throw unsupported("expected a word-embedding Gather reading a constant [vocab, hidden] table with a graph "
                    + "input (input_ids) as indices; graph inputs are " + graphInputs);
        }
        NodeProto word = byInput.get(0);
        int hidden = table(word).cols();
        FloatTensor tokenType = byInput.size() > 1 ? table(byInput.get(1)) : FloatTensor.zeros(1, hidden);
        List<NodeProto> positional = tableGathers.stream()
                .filter(n -> !graphInputs.contains(n.getInput(1)))
                .filter(n -> table(n).cols() == hidden)
                .toList();
        if (positional.size() != 1) {
            throw unsupported("expected exactly one position-embedding Gather (constant [maxPositions, " + hidden
                    + "] table indexed by computed position ids), found " + positional.size());
        }
        NodeProto position = positional.get(0);
        checkPositionIdsStartAtZero(position.getInput(1));

        // Walk the Add chain from the word embeddings to the layer norm; it must add the other tables.
        Set<String> expectedAddends = new HashSet<>();
        expectedAddends.add(position.getOutput(0));
        if (byInput.size() > 1) {
            expectedAddends.add(byInput.get(1).getOutput(0));
        }
        String sum = word.getOutput(0);
        while (graph.consumers(sum, "ReduceMean").isEmpty() && graph.consumers(sum, "LayerNormalization").isEmpty()) {
            List<NodeProto> adds = graph.consumers(sum, "Add");
            if (adds.size() != 1) {
                throw unsupported("expected the embeddings to be summed by Add nodes and then layer-normalized after "
                        + OnnxGraph.describe(word) + ", found consumers " + describeAll(graph.consumers(sum)));
            }
            NodeProto add = adds.get(0);
            String other = OnnxGraph.otherInput(add, sum);
            if (!expectedAddends.remove(other)) {
                // position + token type may be summed first and then added to the word embeddings
                NodeProto producer = graph.producer(other).orElse(null);
                if (producer == null || !producer.getOpType().equals("Add")
                        || !expectedAddends.remove(producer.getInput(0))
                        || !expectedAddends.remove(producer.getInput(1))) {
                    throw unsupported("unexpected addend '" + other
                            + "' in the embedding sum at " + OnnxGraph.describe(add));
                }
            }
            sum = add.getOutput(0);
        }
        if (!expectedAddends.isEmpty()) {
            throw unsupported("the embedding sum misses " + expectedAddends);
        }
        return new Embeddings(table(word), table(position), tokenType, sum);
    }

    private FloatTensor table(NodeProto gather) {
        return graph.floatConstant(gather.getInput(0)).orElseThrow();
    }

    /** Positions must be 0, 1, 2, ...: a slice of a constant arange (BERT) or a Range from 0. */
    private void checkPositionIdsStartAtZero(String positionIds) {
        String t = positionIds;
        for (int hops = 0; hops < 8; hops++) {
            Optional<long[]> values = graph.longConstant(t);
            if (values.isPresent()) {
                long[] v = values.get();
                for (int i = 0; i < v.length; i++) {
                    if (v[i] != i) {
                        throw unsupported("position ids must count 0, 1, 2, ... (BERT); constant '" + t + "' has "
                                + v[i] + " at " + i + " (offset positions, as in RoBERTa, are not supported)");
                    }
                }
                return;
            }
            NodeProto p = graph.producer(t).orElse(null);
            if (p == null) {
                break;
            }
            if (p.getOpType().equals("Range")) {
                if (graph.longConstant(p.getInput(0)).map(v -> v.length == 1 && v[0] == 0).orElse(false)) {
                    return;
                }
                break;
            }
            t = p.getInput(0);
        }
        throw unsupported("cannot tell that position ids start at 0: '" + positionIds + "' is not a slice of a "
                + "constant arange nor a Range from 0");
    }

    // ---------------------------------------------------------------- layer norm

    private record LayerNormMatch(LayerNorm norm, String output) {}

    private LayerNormMatch matchLayerNorm(String x, String where) {
        List<NodeProto> fused = graph.consumers(x, "LayerNormalization");
        if (fused.size() == 1) {
            NodeProto n = fused.get(0);
            float eps = (float) attribute(n, "epsilon").map(AttributeProto::getF).orElse(1e-5f);
            return new LayerNormMatch(new LayerNorm(requireVector(n.getInput(1), n), requireVector(n.getInput(2), n),
                    eps),
                    n.getOutput(0));
        }
        NodeProto mean = single(graph.consumers(x, "ReduceMean"), "a ReduceMean (layer norm) of " + where);
        NodeProto sub = single(graph.consumers(x, "Sub").stream()
                .filter(n -> n.getInput(1).equals(mean.getOutput(0))).toList(), "x - mean (layer norm) of " + where);
        String centered = sub.getOutput(0);
        NodeProto pow = single(graph.consumers(centered, "Pow"), "(x - mean)^2 (layer norm) of " + where);
        NodeProto var = single(graph.consumers(pow.getOutput(0), "ReduceMean"),
                "the variance (layer norm) of " + where);
        NodeProto addEps = single(graph.consumers(var.getOutput(0), "Add"),
                "variance + epsilon (layer norm) of " + where);
        float eps = graph.scalar(OnnxGraph.otherInput(addEps, var.getOutput(0)))
                .orElseThrow(() -> unsupported("layer norm epsilon of " + where + " is not a constant"));
        NodeProto sqrt = single(graph.consumers(addEps.getOutput(0), "Sqrt"), "sqrt (layer norm) of " + where);
        NodeProto div = single(graph.consumers(sqrt.getOutput(0), "Div"), "normalization (layer norm) of " + where);
        if (!div.getInput(0).equals(centered)) {
            throw unsupported("layer norm of " + where + " divides '" + div.getInput(0) + "', expected '" + centered
                    + "'");
        }
        NodeProto mul = single(graph.consumers(div.getOutput(0), "Mul"), "the layer norm scale of " + where);
        NodeProto add = single(graph.consumers(mul.getOutput(0), "Add"), "the layer norm shift of " + where);
        FloatTensor gamma = requireVector(OnnxGraph.otherInput(mul, div.getOutput(0)), mul);
        FloatTensor beta = requireVector(OnnxGraph.otherInput(add, mul.getOutput(0)), add);
        return new LayerNormMatch(new LayerNorm(gamma, beta, eps), add.getOutput(0));
    }

    // ---------------------------------------------------------------- encoder layer

    private record LayerMatch(EncoderLayer weights, int numHeads, String output) {}

    /** Where a projection's output ends up: a MatMul and the input slot it enters. */
    private record Arrival(NodeProto matMul, int slot, float scale, List<NodeProto> path) {}

    private LayerMatch matchLayer(String hidden, List<NodeProto> projections, int hiddenSize, int index) {
        String where = "layer " + index;
        NodeProto query = null;
        NodeProto key = null;
        NodeProto value = null;
        Arrival queryArrival = null;
        Arrival keyArrival = null;
        Arrival valueArrival = null;
        List<Arrival> arrivals = new ArrayList<>();
        for (NodeProto p : projections) {
            arrivals.add(followToMatMul(biasAdd(p, where).getOutput(0), where));
        }
        for (int i = 0; i < 3; i++) {
            Arrival a = arrivals.get(i);
            boolean sharesMatMul = false;
            for (int j = 0; j < 3; j++) {
                if (j != i && arrivals.get(j).matMul == a.matMul) {
                    sharesMatMul = true;
                }
            }
            if (!sharesMatMul) {
                value = projections.get(i);
                valueArrival = a;
            } else if (a.slot == 0) {
                query = projections.get(i);
                queryArrival = a;
            } else {
                key = projections.get(i);
                keyArrival = a;
            }
        }
        if (query == null || key == null || value == null) {
            throw unsupported(where + ": cannot tell query, key and value apart (expected query and key to meet in the "
                    + "score MatMul and value to meet the softmax)");
        }
        NodeProto scores = queryArrival.matMul;
        int numHeads = headCount(queryArrival.path, hiddenSize, where);
        int headSize = hiddenSize / numHeads;

        // scores -> (scale, mask) -> Softmax -> MatMul with value
        float scale = queryArrival.scale * keyArrival.scale;
        String t = scores.getOutput(0);
        NodeProto softmax = null;
        for (int hops = 0; hops < 6 && softmax == null; hops++) {
            NodeProto next = single(nonShape(graph.consumers(t)), where
                    + ": the path from the attention scores to the softmax");
            switch (next.getOpType()) {
                case "Softmax" -> softmax = next;
                case "Div" -> scale /= graph.scalar(next.getInput(1))
                        .orElseThrow(() -> unsupported(where + ": attention score divisor is not a constant"));
                case "Mul" -> scale *= graph.scalar(OnnxGraph.otherInput(next, t))
                        .orElseThrow(() -> unsupported(where + ": attention score factor is not a constant"));
                case "Add", "Where", "Cast" -> { /* attention mask */ }
                default -> throw unsupported(where + ": unexpected " + OnnxGraph.describe(next)
                        + " between the attention "
                        + "scores and the softmax");
            }
            t = next.getOutput(0);
        }
        if (softmax == null) {
            throw unsupported(where + ": no softmax after the attention scores");
        }
        double expected = 1.0 / Math.sqrt(headSize);
        if (Math.abs(scale - expected) > 1e-4 * expected) {
            throw unsupported(where + ": attention scale is " + scale + ", expected 1/sqrt(" + headSize
                    + ") = " + expected);
        }
        NodeProto context = valueArrival.matMul;
        if (!context.getInput(0).equals(softmax.getOutput(0)) || valueArrival.slot != 1) {
            throw unsupported(where
                    + ": expected MatMul(softmax, value) after the softmax, found " + OnnxGraph.describe(context));
        }

        // context -> (transpose, reshape) -> output projection -> bias -> residual -> layer norm
        NodeProto attnOut = followToWeightMatMul(context.getOutput(0), where + " attention output");
        NodeProto attnOutBias = biasAdd(attnOut, where + " attention output");
        NodeProto residual1 = residualAdd(attnOutBias.getOutput(0), hidden, where + " attention");
        LayerNormMatch norm1 = matchLayerNorm(residual1.getOutput(0), where + " attention output");

        // FFN: up projection -> bias -> erf GELU -> down projection -> bias -> residual -> layer norm
        NodeProto ffnIn = single(weightMatMuls(norm1.output), where + ": the FFN up projection (MatMul with a constant "
                + "[hidden, intermediate] weight) after the attention layer norm");
        NodeProto ffnInBias = biasAdd(ffnIn, where + " FFN up projection");
        List<String> activationOps = new ArrayList<>();
        NodeProto ffnOut = followToWeightMatMul(ffnInBias.getOutput(0), where + " FFN activation", activationOps);
        if (!activationOps.contains("Erf") && !activationOps.contains("Gelu")) {
            throw unsupported(where + ": FFN activation must be erf-GELU, found ops " + activationOps);
        }
        NodeProto ffnOutBias = biasAdd(ffnOut, where + " FFN down projection");
        NodeProto residual2 = residualAdd(ffnOutBias.getOutput(0), norm1.output, where + " FFN");
        LayerNormMatch norm2 = matchLayerNorm(residual2.getOutput(0), where + " FFN output");

        EncoderLayer weights = new EncoderLayer(
                weight(query), bias(query, where), weight(key), bias(key, where), weight(value), bias(value, where),
                weight(attnOut), bias(attnOut, where), norm1.norm,
                weight(ffnIn), bias(ffnIn, where), weight(ffnOut), bias(ffnOut, where), norm2.norm);
        checkShapes(weights, hiddenSize, where);
        return new LayerMatch(weights, numHeads, norm2.output);
    }

    private static void checkShapes(EncoderLayer l, int hidden, String where) {
        int inter = l.ffnIn().cols();
        for (FloatTensor m : List.of(l.query(), l.key(), l.value(), l.attentionOut())) {
            if (m.rows() != hidden || m.cols() != hidden) {
                throw unsupported(where + ": attention weight is " + m + ", expected [" + hidden + ", " + hidden + "]");
            }
        }
        if (l.ffnIn().rows() != hidden || l.ffnOut().rows() != inter || l.ffnOut().cols() != hidden
                || l.ffnInBias().data().length != inter) {
            throw unsupported(where + ": FFN weights " + l.ffnIn() + " and " + l.ffnOut() + " do not fit hidden size "
                    + hidden);
        }
    }

    /** Head count from the Reshape that splits the query into [batch, seq, heads, headSize]. */
    private int headCount(List<NodeProto> queryPath, int hiddenSize, String where) {
        for (NodeProto n : queryPath) {
            if (!n.getOpType().equals("Reshape")) {
                continue;
            }
            long[] dims = staticShape(n.getInput(1));
            if (dims != null && dims.length == 4 && dims[2] > 0) {
                long heads = dims[2];
                if (hiddenSize % heads != 0 || (dims[3] > 0 && heads * dims[3] != hiddenSize)) {
                    throw unsupported(where + ": query reshaped to " + Arrays.toString(dims)
                            + " does not split hidden size " + hiddenSize + " into heads");
                }
                return (int) heads;
            }
        }
        throw unsupported(where + ": cannot find the head count (expected a Reshape of the query to "
                + "[batch, seq, heads, headSize] with constant heads)");
    }

    /** A Reshape target with its constant parts; -1 where a part is computed at run time. */
    private long[] staticShape(String shapeTensor) {
        Optional<long[]> whole = graph.longConstant(shapeTensor);
        if (whole.isPresent()) {
            return whole.get();
        }
        NodeProto concat = graph.producer(shapeTensor).filter(n -> n.getOpType().equals("Concat")).orElse(null);
        if (concat == null) {
            return null;
        }
        long[] dims = new long[concat.getInputCount()];
        for (int i = 0; i < dims.length; i++) {
            long[] part = graph.longConstant(concat.getInput(i)).orElse(null);
            dims[i] = part != null && part.length == 1 ? part[0] : -1;
        }
        return dims;
    }

    /** Follows a projection output through reshapes, transposes and scalings to the MatMul it enters. */
    private Arrival followToMatMul(String tensor, String where) {
        String t = tensor;
        float scale = 1f;
        List<NodeProto> path = new ArrayList<>();
        for (int hops = 0; hops < 8; hops++) {
            NodeProto next = single(nonShape(graph.consumers(t)), where
                    + ": the path from a projection to the attention");
            path.add(next);
            if (next.getOpType().equals("MatMul")) {
                return new Arrival(next, next.getInput(0).equals(t) ? 0 : 1, scale, path);
            }
            if (!ATTENTION_PASS_THROUGH.contains(next.getOpType())) {
                throw unsupported(where + ": unexpected " + OnnxGraph.describe(next)
                        + " between a projection and the attention");
            }
            if (next.getOpType().equals("Div")) {
                scale /= graph.scalar(next.getInput(1)).orElse(1f);
            } else if (next.getOpType().equals("Mul")) {
                scale *= graph.scalar(OnnxGraph.otherInput(next, t)).orElse(1f);
            }
            t = next.getOutput(0);
        }
        throw unsupported(where + ": projection output '" + tensor + "' never reaches a MatMul");
    }

    private NodeProto followToWeightMatMul(String tensor, String where) {
        return followToWeightMatMul(tensor, where, new ArrayList<>());
    }

    /** Follows single-consumer chains (any ops) from {@code tensor} to the next MatMul with a constant weight. */
    private NodeProto followToWeightMatMul(String tensor, String where, List<String> opsSeen) {
        ArrayDeque<String> frontier = new ArrayDeque<>(List.of(tensor));
        Set<String> visited = new HashSet<>();
        while (!frontier.isEmpty() && visited.size() < 64) {
            String t = frontier.poll();
            if (!visited.add(t)) {
                continue;
            }
            for (NodeProto n : nonShape(graph.consumers(t))) {
                if (n.getOpType().equals("MatMul") && graph.isConstant(n.getInput(1))) {
                    return n;
                }
                opsSeen.add(n.getOpType());
                frontier.addAll(n.getOutputList());
            }
        }
        throw unsupported(where + ": expected a MatMul with a constant weight after '" + tensor + "'");
    }

    private NodeProto residualAdd(String tensor, String residual, String where) {
        return single(graph.consumers(tensor, "Add").stream()
                .filter(n -> OnnxGraph.otherInput(n, tensor).equals(residual)).toList(),
                where + ": the residual Add of '" + tensor + "' and '" + residual + "'");
    }

    private List<NodeProto> weightMatMuls(String tensor) {
        return graph.consumers(tensor, "MatMul").stream()
                .filter(n -> n.getInput(0).equals(tensor))
                .filter(n -> graph.floatConstant(n.getInput(1)).map(w -> w.rank() == 2).orElse(false))
                .toList();
    }

    private NodeProto biasAdd(NodeProto matMul, String where) {
        String out = matMul.getOutput(0);
        return single(graph.consumers(out, "Add").stream()
                .filter(n -> graph.floatConstant(OnnxGraph.otherInput(n, out)).map(b -> b.rank() == 1).orElse(false))
                .toList(), where + ": a bias Add (constant vector) after " + OnnxGraph.describe(matMul));
    }

    private FloatTensor weight(NodeProto matMul) {
        return graph.floatConstant(matMul.getInput(1)).orElseThrow();
    }

    private FloatTensor bias(NodeProto matMul, String where) {
        NodeProto add = biasAdd(matMul, where);
        return graph.floatConstant(OnnxGraph.otherInput(add, matMul.getOutput(0))).orElseThrow();
    }

    private FloatTensor requireVector(String tensor, NodeProto at) {
        return graph.floatConstant(tensor).filter(t -> t.rank() == 1)
                .orElseThrow(() ->
                unsupported("expected a constant vector '" + tensor + "' at " + OnnxGraph.describe(at)));
    }

    private static List<NodeProto> nonShape(List<NodeProto> nodes) {
        return nodes.stream().filter(n -> !n.getOpType().equals("Shape")).toList();
    }

    private static NodeProto single(List<NodeProto> nodes, String what) {
        if (nodes.size() != 1) {
            throw unsupported("expected " + what + ", found " + (nodes.isEmpty() ? "none" : describeAll(nodes)));
        }
        return nodes.get(0);
    }

    private static Optional<AttributeProto> attribute(NodeProto n, String name) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst();
    }

    private static String describeAll(List<NodeProto> nodes) {
        return nodes.stream().map(OnnxGraph::describe).collect(Collectors.joining(", ", "[", "]"));
    }

    private static UnsupportedModelException unsupported(String detail) {
        return new UnsupportedModelException("Unsupported encoder graph (a BERT-family Hugging Face ONNX export is "
                + "expected): " + detail);
    }
}
