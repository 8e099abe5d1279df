package dev.skeleton.engine.skeleton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SkeletonFilesTest {

    @TempDir
    Path root;

    @Test
    void shouldRoundTripASkeletonThroughAnAvroFile() throws IOException {
        TaskSkeleton skeleton = SyntheticSkeletons.random(TestModels.base(), "sst2", 20, 0.3, 0.75, 4);
        Path file = root.resolve("skeletons/sst2/skeleton.avro");

        SkeletonFiles.write(skeleton, file);

        assertThat(SkeletonFiles.read(file)).isEqualTo(skeleton);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file is left behind").containsExactly(file);
        }
    }

    @Test
    void shouldFindTheSkeletonBeforeThePrompt() {
        TaskSkeleton skeleton = SyntheticSkeletons.random(TestModels.base(), "rte", 2, 0.5, 1.0, 4);
        SkeletonFiles.write(skeleton, root.resolve("prompts/rte/prompt.avro"));
        assertThat(SkeletonFiles.find(root, "rte")).contains(root.resolve("prompts/rte/prompt.avro"));

        SkeletonFiles.write(skeleton, root.resolve("skeletons/rte/skeleton.avro"));
        assertThat(SkeletonFiles.find(root, "rte")).contains(root.resolve("skeletons/rte/skeleton.avro"));
        assertThat(SkeletonFiles.find(root, "unknown")).isEmpty();
    }

    @Test
    void shouldNameTheFileWhenItIsCorrupt() throws IOException {
        Path file = root.resolve("broken.avro");
        Files.writeString(file, "not avro at all");

        assertThatThrownBy(() -> SkeletonFiles.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("is not a readable skeleton");
    }
}
