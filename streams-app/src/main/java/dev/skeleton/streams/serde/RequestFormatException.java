package dev.skeleton.streams.serde;

/** A value that is recognizably meant as a request but breaks a rule; the message says which. */
public final class RequestFormatException extends RuntimeException {

    RequestFormatException(String message) {
        // no stack trace: the message is the whole story, and bad requests can be frequent
        super(message, null, false, false);
    }
}
