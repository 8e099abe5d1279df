package dev.skeleton.engine.skeleton;

import java.util.List;

/** A task skeleton cannot run on this base model; {@link #problems()} lists every reason found. */
public class InvalidSkeletonException extends RuntimeException {

    private final transient List<String> problems;

    public InvalidSkeletonException(String skeleton, List<String> problems) {
        super("invalid skeleton " + skeleton + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
