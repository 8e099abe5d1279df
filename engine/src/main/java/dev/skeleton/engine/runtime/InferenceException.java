package dev.skeleton.engine.runtime;

/** Running a batch through a task's model failed; the message names the task, version and batch size. */
public class InferenceException extends RuntimeException {

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
