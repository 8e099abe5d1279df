package dev.skeleton.engine.model;

/** The ONNX graph is not a BERT-family encoder this engine can read; the message says what was expected. */
public class UnsupportedModelException extends RuntimeException {

    public UnsupportedModelException(String message) {
        super(message);
    }
}
