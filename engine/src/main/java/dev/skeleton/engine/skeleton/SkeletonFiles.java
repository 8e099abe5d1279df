package dev.skeleton.engine.skeleton;

import dev.skeleton.avro.TaskSkeleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Skeletons on disk: Avro object container files (schema inside, so old files stay readable as the schema
 * evolves). A task's prompt-tuned full model lives in {@code prompts/TASK/prompt.avro}, its skeleton in
 * {@code skeletons/TASK/skeleton.avro}. Writes are atomic: a crash never leaves half a file.
 */
public final class SkeletonFiles {

    public static final String PROMPTS_DIR = "prompts";
    public static final String SKELETONS_DIR = "skeletons";
    public static final String PROMPT_FILE = "prompt.avro";
    public static final String SKELETON_FILE = "skeleton.avro";

    private SkeletonFiles() {}

    /** Reads one skeleton; the message names the file on any failure. */
    public static TaskSkeleton read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("skeleton file not found: " + file.toAbsolutePath());
        }
        try (DataFileReader<TaskSkeleton> reader =
                new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(TaskSkeleton.class))) {
            if (!reader.hasNext()) {
                throw new IllegalArgumentException(file + " holds no skeleton record");
            }
            return reader.next();
        } catch (IOException | AvroRuntimeException e) {
            throw new IllegalArgumentException(file
                    + " is not a readable skeleton (Avro TaskSkeleton): " + e.getMessage(), e);
        }
    }

    /** Writes {@code skeleton} to {@code file} atomically (temp file in the same directory, then rename). */
    public static void write(TaskSkeleton skeleton, Path file) {
        AtomicFiles.write(file, tmp -> {
            try (DataFileWriter<TaskSkeleton> writer =
                    new DataFileWriter<>(new SpecificDatumWriter<>(TaskSkeleton.class))) {
                writer.create(TaskSkeleton.getClassSchema(), tmp.toFile());
                writer.append(skeleton);
            }
        });
    }

    /**
     * Finds a task's skeleton under a project root: {@code skeletons/TASK/skeleton.avro}, else the prompt on
     * the full model, {@code prompts/TASK/prompt.avro}.
     */
    public static Optional<Path> find(Path root, String task) {
        for (Path p : new Path[] {
                root.resolve(SKELETONS_DIR).resolve(task).resolve(SKELETON_FILE),
                root.resolve(PROMPTS_DIR).resolve(task).resolve(PROMPT_FILE)}) {
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
