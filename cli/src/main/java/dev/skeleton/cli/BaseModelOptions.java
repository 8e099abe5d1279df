package dev.skeleton.cli;

import dev.skeleton.engine.model.BaseModel;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --base-model} and {@code --tokenizer}: which encoder to load. Default: the embedded
 * all-MiniLM-L6-v2; otherwise any BERT-family Hugging Face ONNX export and its tokenizer.json.
 */
public final class BaseModelOptions {

    @Option(names = "--base-model", paramLabel = "PATH",
            description = "BERT-family ONNX export (.onnx, or a directory with model.onnx and tokenizer.json)."
                    + " Default: the embedded all-MiniLM-L6-v2.")
    private Path model;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "tokenizer.json of --base-model (default: tokenizer.json next to the model).")
    private Path tokenizer;

    /** Loads the chosen base model (seconds: reads and fingerprints every weight). */
    public BaseModel load() {
        if (model == null) {
            if (tokenizer != null) {
                throw new CliException("--tokenizer needs --base-model");
            }
            return BaseModel.loadDefault();
        }
        return BaseModel.load(model, tokenizer);
    }
}
