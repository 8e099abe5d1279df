package dev.skeleton.cli;

/** A failure whose message is complete for the user (what went wrong and where); exits with code 1. */
public class CliException extends RuntimeException {

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
