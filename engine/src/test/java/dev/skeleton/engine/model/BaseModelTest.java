package dev.skeleton.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skeleton.engine.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaseModelTest {

    @TempDir
    Path dir;

    @Test
    void shouldLoadAnExportByPathWithTheSameFingerprintAsTheEmbeddedDefault() throws IOException {
        // Given the embedded export copied to disk under other names, as a user would have it
        Files.write(dir.resolve("model.onnx"), TestModels.originalOnnx());
        Files.write(dir.resolve("tokenizer.json"), TestModels.base().tokenizerJson());

        // When it is loaded by directory
        BaseModel byPath = BaseModel.load(dir, null);

        // Then it is the same model
        assertThat(byPath.fingerprint()).isEqualTo(TestModels.base().fingerprint());
        assertThat(byPath.weights().layers()).hasSize(6);
    }

    @Test
    void shouldNameTheFileOfAnUnsupportedGraph() throws IOException {
        Path onnx = dir.resolve("tiny.onnx");
        Files.write(onnx, TestModels.originalProto().toBuilder()
                .setGraph(TestModels.originalProto().getGraph().toBuilder().clearNode()).build().toByteArray());
        Files.write(dir.resolve("tokenizer.json"), TestModels.base().tokenizerJson());

        assertThatThrownBy(() -> BaseModel.load(onnx, null))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageStartingWith(onnx + ": Unsupported encoder graph")
                .hasMessageContaining("expected a word-embedding Gather");
    }

    @Test
    void shouldSayWhichFileIsMissing() {
        assertThatThrownBy(() -> BaseModel.load(dir.resolve("nope.onnx"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base model file not found: " + dir.resolve("nope.onnx"));
    }
}
