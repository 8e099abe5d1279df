package dev.skeleton.builder.data;

/** A data file cannot be used; the message names the file and, where there is one, the line. */
public class DataFormatException extends RuntimeException {

    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
