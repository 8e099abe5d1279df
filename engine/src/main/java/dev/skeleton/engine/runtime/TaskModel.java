package dev.skeleton.engine.runtime;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.skeleton.avro.InputKind;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.text.EncodedBatch;
import dev.skeleton.engine.text.TaskTokenizer;
import dev.skeleton.engine.text.TextInput;
import dev.skeleton.engine.text.TokenizedText;
import java.util.ArrayList;
import java.util.List;

/**
 * One loaded task skeleton, ready to classify batches. Thread-safe: ONNX Runtime sessions may be run from
 * many threads, and each call gets its own DJL predictor (predictors are not thread-safe, and cheap).
 */
public final class TaskModel implements AutoCloseable {

    /** Largest run sent to ONNX Runtime at once; larger batches gain nothing on CPU and cost memory. */
    static final int MAX_RUN = 64;

    private final TaskSkeleton skeleton;
    private final String baseModelName;
    private final Model model;
    private final SkeletonTranslator translator;
    private final TaskTokenizer tokenizer;
    private final SiameseHead siameseHead;
    private final long ownedBytes;
    private final Device device;
    private volatile LoadTimings loadTimings = LoadTimings.UNKNOWN;
    private volatile boolean closed;

    TaskModel(TaskSkeleton skeleton, String baseModelName, Model model, TaskTokenizer tokenizer, long ownedBytes,
            Device device) {
        this.skeleton = skeleton;
        this.baseModelName = baseModelName;
        this.model = model;
        this.tokenizer = tokenizer;
        this.translator = new SkeletonTranslator();
        this.siameseHead = skeleton.getInput().getKind() == InputKind.SIAMESE ? new SiameseHead(skeleton) : null;
        this.ownedBytes = ownedBytes + (siameseHead == null ? 0 : siameseHead.bytes());
        this.device = device;
    }

    /** Where the time of loading this model went. */
    public LoadTimings loadTimings() {
        return loadTimings;
    }

    void loadTimings(LoadTimings timings) {
        this.loadTimings = timings;
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

    /** The name of the base model this task runs on, as it was loaded here (the skeleton records its fingerprint). */
    public String baseModelName() {
        return baseModelName;
    }

    /** Bytes of weights this task owns (sliced layers, prompt, head); the base model's are shared. */
    public long ownedBytes() {
        return ownedBytes;
    }

    /** The device the session actually runs on (CPU after a CUDA fallback). */
    public Device device() {
        return device;
    }

    /** Tokens the encoder computes for {@code inputs} (text tokens after padding; prompt rows not counted). */
    public long paddedTokens(List<TextInput> inputs) {
        return BatchPlanner.paddedTokens(tokenizer.tokenize(inputs), MAX_RUN);
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

    /**
     * Raw outputs for a batch: probabilities, logits and the pooled representation, in input order. The
     * encoder rows run as length-sorted runs (see {@link BatchPlanner}) so padding stays small; a SIAMESE input's
     * text and pair are two rows, each in a run of its own length, joined by the {@link SiameseHead}.
     */
    public ForwardOutput forward(List<TextInput> inputs) {
        if (closed) {
            throw new IllegalStateException("task '" + taskId() + "' v" + version()
                    + " is closed (retired or replaced)");
        }
        ForwardOutput perRow = forwardRows(tokenizer.tokenize(inputs), inputs.size());
        return siameseHead == null ? perRow : siameseHead.combine(perRow);
    }

    /** Outputs per encoder row (for SIAMESE only the pooled vectors: its graph ends there). */
    private ForwardOutput forwardRows(List<TokenizedText> rows, int inputCount) {
        int n = rows.size();
        ForwardOutput all = new ForwardOutput(new float[n][], new float[n][], new float[n][], new boolean[n]);
        try (Predictor<EncodedBatch, ForwardOutput> predictor = model.newPredictor(translator)) {
            for (int[] run : BatchPlanner.plan(rows, MAX_RUN)) {
                List<TokenizedText> members = new ArrayList<>(run.length);
                for (int i : run) {
                    members.add(rows.get(i));
                }
                ForwardOutput out = predictor.predict(EncodedBatch.pad(members));
                for (int k = 0; k < run.length; k++) {
                    all.probabilities()[run[k]] = out.probabilities() == null ? null : out.probabilities()[k];
                    all.logits()[run[k]] = out.logits() == null ? null : out.logits()[k];
                    all.pooled()[run[k]] = out.pooled()[k];
                    all.truncated()[run[k]] = out.truncated()[k];
                }
            }
            return all;
        } catch (TranslateException e) {
            throw new InferenceException("task '" + taskId() + "' v" + version() + " failed on a batch of "
                    + inputCount + ": " + rootMessage(e), e);
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
        closed = true;
        model.close();
        tokenizer.close();
    }

    @Override
    public String toString() {
        return skeleton.getTaskId() + " v" + skeleton.getVersion();
    }
}
