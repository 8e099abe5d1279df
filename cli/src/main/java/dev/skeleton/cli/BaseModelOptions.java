package dev.skeleton.cli;

import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.model.KnownBaseModel;
import dev.skeleton.engine.model.MissingBaseModelException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --base-model} and {@code --tokenizer}: which encoder to load. Default: the embedded all-MiniLM-L6-v2;
 * otherwise another known base by name, or any BERT-family Hugging Face ONNX export and its tokenizer.json.
 */
public final class BaseModelOptions {

    @Option(names = "--base-model", paramLabel = "NAME|PATH",
            description = "all-minilm-l6-v2 (default, embedded), e5-small-v2 or bge-small-en-v1.5 (from their Maven "
                    + "artifacts, see the README), or a BERT-family ONNX export (.onnx, or a directory with model.onnx "
                    + "and tokenizer.json).")
    private String model;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "tokenizer.json of a --base-model PATH (default: tokenizer.json next to the model).")
    private Path tokenizer;

    /** Whether {@code --base-model} was given. */
    public boolean isSet() {
        return model != null;
    }

    /** Loads the chosen base model (seconds: reads and fingerprints every weight). */
    public BaseModel load() {
        Optional<KnownBaseModel> known = model == null ? Optional.of(KnownBaseModel.ALL_MINILM_L6_V2)
                : KnownBaseModel.byId(model);
        if (known.isPresent()) {
            if (tokenizer != null) {
                throw new CliException("--tokenizer goes with a --base-model PATH; " + known.get()
                        + " brings its own");
            }
            try {
                return known.get().load();
            } catch (MissingBaseModelException e) {
                throw new CliException(e.getMessage());
            }
        }
        return BaseModel.load(Path.of(model), tokenizer);
    }
}
