package dev.skeleton.engine.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.skeleton.engine.model.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small writer for ONNX graphs: nodes, owned initializers (data inside the model) and shared
 * initializers (declared as external data, supplied at session creation from memory the engine holds once).
 */
final class GraphWriter {

    static final String MICROSOFT = "com.microsoft";

    /** External-data location of shared initializers; never read, because the engine supplies the data. */
    private static final String SHARED_LOCATION = "skeleton-shared-base-weights";

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Map<String, SharedTensor> shared = new LinkedHashMap<>();
    private long ownedBytes;
    private int counter;

    GraphWriter(String name) {
        graph.setName(name);
    }

    /** Adds a node and returns the name of its (first) output. */
    String node(String opType, String... inputs) {
        return node(opType, "", Map.of(), inputs);
    }

    String node(String opType, Map<String, Object> attributes, String... inputs) {
        return node(opType, "", attributes, inputs);
    }

    String node(String opType, String domain, Map<String, Object> attributes, String... inputs) {
        String output = opType.toLowerCase() + "_" + (counter++);
        NodeProto.Builder n = NodeProto.newBuilder()
                .setOpType(opType).setName(output).setDomain(domain)
                .addAllInput(Arrays.asList(inputs)).addOutput(output);
        attributes.forEach((key, value) -> n.addAttribute(attribute(key, value)));
        graph.addNode(n);
        return output;
    }

    private static AttributeProto attribute(String name, Object value) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (value instanceof Integer i) {
            a.setType(AttributeProto.AttributeType.INT).setI(i);
        } else if (value instanceof Long l) {
            a.setType(AttributeProto.AttributeType.INT).setI(l);
        } else if (value instanceof Float f) {
            a.setType(AttributeProto.AttributeType.FLOAT).setF(f);
        } else if (value instanceof long[] ints) {
            a.setType(AttributeProto.AttributeType.INTS);
            for (long v : ints) {
                a.addInts(v);
            }
        } else {
            throw new IllegalArgumentException("unsupported attribute type for " + name + ": " + value);
        }
        return a.build();
    }

    /** An initializer whose data lives in this model (task-owned weights). */
    String owned(String name, FloatTensor t, int... shape) {
        ByteBuffer buf = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(t.data());
        // the buffer is never written again: wrap it instead of copying megabytes per task load
        graph.addInitializer(tensorHeader(name, shape.length > 0 ? shape : t.shape(), TensorProto.DataType.FLOAT)
                .setRawData(UnsafeByteOperations.unsafeWrap(buf.array())));
        ownedBytes += t.sizeInBytes();
        return name;
    }

    /** An int8 initializer whose data lives in this model. */
    String ownedInt8(String name, byte[] data, int... shape) {
        graph.addInitializer(tensorHeader(name, shape, TensorProto.DataType.INT8)
                .setRawData(UnsafeByteOperations.unsafeWrap(data)));
        ownedBytes += data.length;
        return name;
    }

    /** A node with {@code outputs} outputs; returns their names in order. */
    String[] nodeOutputs(String opType, String domain, int outputs, String... inputs) {
        String base = opType.toLowerCase() + "_" + (counter++);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(base).setDomain(domain)
                .addAllInput(Arrays.asList(inputs));
        String[] names = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            names[i] = base + "_" + i;
            n.addOutput(names[i]);
        }
        graph.addNode(n);
        return names;
    }

    /**
     * An initializer shared by every session of the same base model: declared with external data here and
     * handed to ONNX Runtime from the engine's memory, so it is held once however many tasks run.
     */
    String shared(String name, FloatTensor t) {
        return shared(name, SharedTensor.of(t));
    }

    /** As {@link #shared(String, FloatTensor)}, for a tensor of either type. */
    String shared(String name, SharedTensor t) {
        if (shared.putIfAbsent(name, t) == null) {
            TensorProto.DataType type = t.isInt8() ? TensorProto.DataType.INT8 : TensorProto.DataType.FLOAT;
            graph.addInitializer(tensorHeader(name, t.shape(), type)
                    .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(SHARED_LOCATION)));
        }
        return name;
    }

    String int64s(long... values) {
        String name = "const_" + (counter++);
        ByteBuffer buf = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(values);
        graph.addInitializer(tensorHeader(name, new int[] {values.length}, TensorProto.DataType.INT64)
                .setRawData(ByteString.copyFrom(buf.array())));
        return name;
    }

    String int64Scalar(long value) {
        String name = "const_" + (counter++);
        graph.addInitializer(tensorHeader(name, new int[0], TensorProto.DataType.INT64).addInt64Data(value));
        return name;
    }

    String floatScalar(float value) {
        String name = "const_" + (counter++);
        graph.addInitializer(tensorHeader(name, new int[0], TensorProto.DataType.FLOAT).addFloatData(value));
        return name;
    }

    String int64Ones(int rows, int cols) {
        String name = "const_" + (counter++);
        TensorProto.Builder t = tensorHeader(name, new int[] {rows, cols}, TensorProto.DataType.INT64);
        for (int i = 0; i < rows * cols; i++) {
            t.addInt64Data(1);
        }
        graph.addInitializer(t);
        return name;
    }

    private static TensorProto.Builder tensorHeader(String name, int[] shape, TensorProto.DataType type) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (int d : shape) {
            t.addDims(d);
        }
        return t;
    }

    /** Declares a graph input with symbolic dimensions. */
    void input(String name, TensorProto.DataType type, String... dims) {
        graph.addInput(valueInfo(name, type, dims));
    }

    /** Declares {@code tensor} as a graph output under {@code name}. */
    void output(String name, String tensor) {
        graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName(name).addInput(tensor).addOutput(name));
        graph.addOutput(valueInfo(name, TensorProto.DataType.FLOAT));
    }

    private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, String... dims) {
        TypeProto.Tensor.Builder tensor = TypeProto.Tensor.newBuilder().setElemType(type.getNumber());
        if (dims.length > 0) {
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (String d : dims) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(d));
            }
            tensor.setShape(shape);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }

    /** Shared initializers by name: what the engine must supply for this graph. */
    Map<String, SharedTensor> sharedInitializers() {
        return shared;
    }

    long ownedBytes() {
        return ownedBytes;
    }

    byte[] toModelBytes() {
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("skeleton")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(MICROSOFT).setVersion(1))
                .setGraph(graph)
                .build()
                .toByteArray();
    }
}
