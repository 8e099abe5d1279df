package dev.skeleton.engine.runtime;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.text.TaskTokenizer;
import dev.skeleton.engine.text.TextInput;
import java.util.ArrayList;
import java.util.List;

/**
 * One loaded task skeleton, ready to classify batches. Thread-safe: ONNX Runtime sessions may be run from
 * many threads, and each call gets its own DJL predictor (predictors are not thread-safe, and cheap).
 */
public final class TaskModel implements AutoCloseable {

    private final TaskSkeleton skeleton;
    private final Model model;
    private final SkeletonTranslator translator;
    private final TaskTokenizer tokenizer;
    private final long ownedBytes;
    private final Device device;

    TaskModel(TaskSkeleton skeleton, Model model, TaskTokenizer tokenizer, long ownedBytes, Device device) {
        this.skeleton = skeleton;
        this.model = model;
        this.tokenizer = tokenizer;
        this.translator = new SkeletonTranslator(tokenizer);
        this.ownedBytes = ownedBytes;
        this.device = device;
    }

    public String taskId() {
        return skeleton.getTaskId();
    }

    public long version() {
        return skeleton.getVersion();
    }

    public List<String> labels() {
        return skeleton.getLabels();
    }

    public TaskSkeleton skeleton() {
        return skeleton;
    }

    /** Bytes of weights this task owns (sliced layers, prompt, head); the base model's are shared. */
    public long ownedBytes() {
        return ownedBytes;
    }

    /** The device the session actually runs on (CPU after a CUDA fallback). */
    public Device device() {
        return device;
    }

    /** Token budget for the text after the soft prompt. */
    public int maxTextTokens() {
        return tokenizer.maxTextTokens();
    }

    /** Labels and probabilities for a batch, in input order. */
    public List<Classification> classify(List<TextInput> inputs) {
        ForwardOutput out = forward(inputs);
        List<String> labels = skeleton.getLabels();
        List<Classification> results = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            float[] p = out.probabilities()[i];
            int best = 0;
            for (int j = 1; j < p.length; j++) {
                if (p[j] > p[best]) {
                    best = j;
                }
            }
            results.add(new Classification(labels.get(best), labels, p, out.logits()[i]));
        }
        return results;
    }

    /** Raw outputs for a batch: probabilities, logits and the pooled representation. */
    public ForwardOutput forward(List<TextInput> inputs) {
        if (inputs.isEmpty()) {
            return new ForwardOutput(new float[0][], new float[0][], new float[0][], new boolean[0]);
        }
        try (Predictor<List<TextInput>, ForwardOutput> predictor = model.newPredictor(translator)) {
            return predictor.predict(inputs);
        } catch (TranslateException e) {
            throw new InferenceException("task '" + taskId() + "' v" + version() + " failed on a batch of "
                    + inputs.size() + ": " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }

    @Override
    public String toString() {
        return skeleton.getTaskId() + " v" + skeleton.getVersion();
    }
}
