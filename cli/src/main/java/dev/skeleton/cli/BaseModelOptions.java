package dev.skeleton.cli;

import dev.skeleton.avro.TaskSkeleton;
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
                    + "and tokenizer.json). Default: all-minilm-l6-v2; classify, eval and publish default to the known "
                    + "base the skeleton was built on.")
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
        if (model == null) {
            return loadKnown(KnownBaseModel.ALL_MINILM_L6_V2);
        }
        Optional<KnownBaseModel> known = KnownBaseModel.byId(model);
        return known.isPresent() ? loadKnown(known.get()) : BaseModel.load(Path.of(model), tokenizer);
    }

    /**
     * The base {@code skeleton} runs on: the one {@code --base-model} names, else the known base the skeleton records
     * it was built on (so that a skeleton built with {@code --base-model e5-small-v2} needs no flag later), else the
     * default. A base given by path is not recorded by path, so its skeletons need {@code --base-model PATH}.
     */
    public BaseModel loadFor(TaskSkeleton skeleton) {
        return model != null ? load() : loadKnown(KnownBaseModel.byId(skeleton.getBaseModel().getName())
                .orElse(KnownBaseModel.ALL_MINILM_L6_V2));
    }

    private BaseModel loadKnown(KnownBaseModel known) {
        if (tokenizer != null) {
            throw new CliException("--tokenizer goes with a --base-model PATH; " + known + " brings its own");
        }
        try {
            return known.load();
        } catch (MissingBaseModelException e) {
            throw new CliException(e.getMessage());
        }
    }
}
