package dev.skeleton.engine;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.CodedInputStream;
import dev.skeleton.engine.model.BaseModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The real base model, loaded once per test JVM (it takes about a second). */
public final class TestModels {

    private static BaseModel base;
    private static byte[] onnxBytes;

    private TestModels() {}

    public static synchronized BaseModel base() {
        if (base == null) {
            base = BaseModel.loadDefault();
        }
        return base;
    }

    /** The original all-MiniLM-L6-v2 ONNX export, as shipped. */
    public static synchronized byte[] originalOnnx() {
        if (onnxBytes == null) {
            try (InputStream in = TestModels.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
                onnxBytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return onnxBytes;
    }

    public static ModelProto originalProto() {
        try {
            CodedInputStream in = CodedInputStream.newInstance(originalOnnx());
            in.setSizeLimit(Integer.MAX_VALUE);
            return ModelProto.parseFrom(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
