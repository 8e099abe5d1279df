package dev.skeleton.engine.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read-only index of an ONNX graph: who produces and who consumes each tensor, and the value of every
 * constant (initializer or {@code Constant} node). {@link BertGraphReader} walks the graph with it.
 */
final class OnnxGraph {

    private final GraphProto graph;
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Map<String, TensorProto> constants = new HashMap<>();

    OnnxGraph(GraphProto graph) {
        this.graph = graph;
        for (TensorProto t : graph.getInitializerList()) {
            constants.put(t.getName(), t);
        }
        for (NodeProto n : graph.getNodeList()) {
            for (String out : n.getOutputList()) {
                producers.put(out, n);
            }
            for (String in : n.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
            if (n.getOpType().equals("Constant")) {
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.getName().equals("value") && a.hasT()) {
                        constants.put(n.getOutput(0), a.getT());
                    }
                }
            }
        }
    }

    GraphProto proto() {
        return graph;
    }

    List<NodeProto> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    /** Consumers of {@code tensor} with the given op type. */
    List<NodeProto> consumers(String tensor, String opType) {
        return consumers(tensor).stream().filter(n -> n.getOpType().equals(opType)).toList();
    }

    Optional<NodeProto> producer(String tensor) {
        return Optional.ofNullable(producers.get(tensor));
    }

    boolean isConstant(String tensor) {
        return constants.containsKey(tensor);
    }

    Optional<TensorProto> constant(String tensor) {
        return Optional.ofNullable(constants.get(tensor));
    }

    /** The input of {@code node} that is not {@code tensor}, for binary ops. */
    static String otherInput(NodeProto node, String tensor) {
        return node.getInput(0).equals(tensor) ? node.getInput(1) : node.getInput(0);
    }

    /** A float constant as a tensor, or empty when it is not a float constant. */
    Optional<FloatTensor> floatConstant(String tensor) {
        return constant(tensor)
                .filter(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE)
                .map(OnnxGraph::toFloatTensor);
    }

    /** The single value of a scalar (or one-element) float constant, or empty. */
    Optional<Float> scalar(String tensor) {
        return floatConstant(tensor).filter(t -> t.data().length == 1).map(t -> t.data()[0]);
    }

    /** The values of an integer constant, or empty. */
    Optional<long[]> longConstant(String tensor) {
        return constant(tensor).flatMap(OnnxGraph::toLongs);
    }

    static FloatTensor toFloatTensor(TensorProto t) {
        int[] shape = t.getDimsList().stream().mapToInt(Long::intValue).toArray();
        float[] data;
        if (!t.getRawData().isEmpty()) {
            ByteBuffer buf = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            data = new float[buf.remaining() / 4];
            buf.asFloatBuffer().get(data);
        } else {
            data = new float[t.getFloatDataCount()];
            for (int i = 0; i < data.length; i++) {
                data[i] = t.getFloatData(i);
            }
        }
        return new FloatTensor(shape, data);
    }

    private static Optional<long[]> toLongs(TensorProto t) {
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        switch (t.getDataType()) {
            case TensorProto.DataType.INT64_VALUE -> {
                if (raw.hasRemaining()) {
                    long[] out = new long[raw.remaining() / 8];
                    raw.asLongBuffer().get(out);
                    return Optional.of(out);
                }
                return Optional.of(t.getInt64DataList().stream().mapToLong(Long::longValue).toArray());
            }
            case TensorProto.DataType.INT32_VALUE -> {
                if (raw.hasRemaining()) {
                    int[] ints = new int[raw.remaining() / 4];
                    raw.asIntBuffer().get(ints);
                    return Optional.of(Arrays.stream(ints).asLongStream().toArray());
                }
                return Optional.of(t.getInt32DataList().stream().mapToLong(Integer::longValue).toArray());
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** Human-readable description of a node for error messages. */
    static String describe(NodeProto n) {
        return n.getOpType() + " '" + n.getName() + "'";
    }
}
