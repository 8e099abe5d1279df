package dev.skeleton.engine.model;

/** A base model named by the user is not on this machine; the message says how to add it. */
public final class MissingBaseModelException extends RuntimeException {

    public MissingBaseModelException(String message) {
        super(message);
    }
}
