package dev.skeleton.cli;

import dev.skeleton.engine.skeleton.SkeletonFiles;
import dev.skeleton.engine.skeleton.SkeletonValidator;
import java.nio.file.Path;
import java.util.List;

/** Finds a task's skeleton file under a project root, and says where it looked when there is none. */
public final class SkeletonLocator {

    private SkeletonLocator() {}

    /**
     * The file {@link SkeletonFiles#find} picks for {@code task}; a {@link CliException} naming both places if none.
     */
    public static Path locate(Path root, String task) {
        if (!SkeletonValidator.TASK_ID.matcher(task).matches()) {
            // also keeps "../x" and the like from reaching outside the root
            throw new CliException("task name '" + task + "' must match " + SkeletonValidator.TASK_ID.pattern());
        }
        return SkeletonFiles.find(root, task).orElseThrow(() -> new CliException("no skeleton for task '" + task
                + "': looked for " + String.join(" and ", searched(root, task).stream()
                        .map(p -> p.toAbsolutePath().normalize().toString()).toList())
                + " (use --root DIR for another project root, or --skeleton PATH)"));
    }

    /** The places {@link SkeletonFiles#find} looks, in its order. */
    static List<Path> searched(Path root, String task) {
        return List.of(
                root.resolve(SkeletonFiles.SKELETONS_DIR).resolve(task).resolve(SkeletonFiles.SKELETON_FILE),
                root.resolve(SkeletonFiles.PROMPTS_DIR).resolve(task).resolve(SkeletonFiles.PROMPT_FILE));
    }
}
