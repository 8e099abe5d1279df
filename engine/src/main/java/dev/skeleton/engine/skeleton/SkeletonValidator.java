package dev.skeleton.engine.skeleton;

import dev.skeleton.avro.FfnDelta;
import dev.skeleton.avro.InputKind;
import dev.skeleton.avro.Matrix;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.model.EncoderWeights;
import dev.skeleton.engine.text.InputKinds;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a {@link TaskSkeleton} against the base model it is to run on and reports every problem at once:
 * fingerprint mismatch, wrong dimensions, NaN or infinite values, neuron or head indices out of range or
 * repeated, label count not matching the head, bad identity or template, label names or counts or a version over
 * their limits (results, dead letters and metric tags copy labels and versions, so they must stay small).
 */
public final class SkeletonValidator {

    /** Allowed task ids: what is safe in a topic name, a file name and a metric tag. */
    public static final Pattern TASK_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    /** Highest version accepted: far above any real history, far below where arithmetic on it could overflow. */
    public static final long MAX_VERSION = 1_000_000_000_000L;
    /** Most labels a skeleton may have; every result lists a probability for each. */
    public static final int MAX_LABELS = 1_000;
    /** Longest label name, in characters; results and metric tags carry it. */
    public static final int MAX_LABEL_CHARS = 128;
    /** Highest rank of a low-rank FFN update: beyond it the update is no longer small next to the weights. */
    public static final int MAX_FFN_DELTA_RANK = 64;

    private SkeletonValidator() {}

    /** Throws {@link InvalidSkeletonException} listing all problems, or returns normally. */
    public static void validate(TaskSkeleton s, BaseModel base) {
        List<String> problems = problems(s, base);
        if (!problems.isEmpty()) {
            throw new InvalidSkeletonException("'" + s.getTaskId() + "' v" + s.getVersion(), problems);
        }
    }

    /** Every problem found; empty when the skeleton can run on {@code base}. */
    public static List<String> problems(TaskSkeleton s, BaseModel base) {
        EncoderWeights w = base.weights();
        int hidden = w.hiddenSize();
        List<String> p = new ArrayList<>();
        if (s.getTaskId() == null || !TASK_ID.matcher(s.getTaskId()).matches()) {
            p.add("taskId '" + s.getTaskId() + "' must match " + TASK_ID.pattern());
        }
        if (s.getVersion() < 1 || s.getVersion() > MAX_VERSION) {
            p.add("version " + s.getVersion() + " must be in [1, " + MAX_VERSION + "]");
        }
        String fingerprint = s.getBaseModel().getFingerprint();
        if (!base.fingerprint().equals(fingerprint)) {
            p.add("base model fingerprint " + fingerprint + " does not match the loaded base model "
                    + base.name() + " (" + base.fingerprint() + "): it was built on " + s.getBaseModel().getName());
        }
        List<String> labels = s.getLabels();
        if (labels.size() < 2) {
            p.add("needs at least 2 labels, has " + labels.size());
        }
        if (labels.size() > MAX_LABELS) {
            p.add("has " + labels.size() + " labels, more than " + MAX_LABELS);
        } else if (new HashSet<>(labels).size() != labels.size() || labels.stream().anyMatch(String::isBlank)) {
            p.add("labels " + labels + " must be distinct and non-blank");
        }
        for (String label : labels) {
            if (label.length() > MAX_LABEL_CHARS || label.chars().anyMatch(Character::isISOControl)) {
                p.add("label '" + label.substring(0, Math.min(label.length(), 32)) + "...' (" + label.length()
                        + " characters) must have at most " + MAX_LABEL_CHARS + " characters and no control "
                        + "characters");
                break;
            }
        }

        int promptRows = checkMatrix("prompt", s.getPrompt(), -1, hidden, p);
        List<Matrix> layerPrompts = s.getLayerPrompts();
        int layers = w.layers().size();
        if (!layerPrompts.isEmpty() && layerPrompts.size() != layers - 1) {
            p.add("layerPrompts has " + layerPrompts.size() + " matrices, expected none or " + (layers - 1)
                    + " (one per layer after the first)");
        } else if (!layerPrompts.isEmpty() && promptRows == 0) {
            p.add("layerPrompts needs a prompt, but the prompt has 0 rows");
        } else {
            for (int i = 0; i < layerPrompts.size(); i++) {
                checkMatrix("layerPrompts[" + i + "]", layerPrompts.get(i), promptRows, hidden, p);
            }
        }
        int maxTokens = s.getInput().getMaxTokens();
        InputKind kind = s.getInput().getKind();
        int specialTokens = InputKinds.specialTokens(kind);
        if (maxTokens > w.maxPositions()) {
            p.add("input.maxTokens " + maxTokens + " exceeds the base model's " + w.maxPositions() + " positions");
        }
        if (promptRows >= 0 && maxTokens < promptRows + specialTokens + 1) {
            p.add("input.maxTokens " + maxTokens + " leaves no room for text after a " + promptRows + "-row prompt");
        }
        if (slots(s.getInput().getTextFormat()) != 1) {
            p.add("input.textFormat '" + s.getInput().getTextFormat() + "' must contain {} exactly once");
        }
        if (InputKinds.takesPair(kind) && slots(s.getInput().getPairFormat()) != 1) {
            p.add("input.pairFormat '" + s.getInput().getPairFormat() + "' must contain {} exactly once");
        }

        checkMatrix("head.weight", s.getHead().getWeight(), InputKinds.headInputs(kind, hidden), labels.size(), p);
        List<Float> bias = s.getHead().getBias();
        if (bias.size() != labels.size()) {
            p.add("head.bias has " + bias.size() + " values for " + labels.size() + " labels");
        }
        if (bias.stream().anyMatch(b -> !Float.isFinite(b))) {
            p.add("head.bias has NaN or infinite values");
        }

        int ffnSize = w.layers().get(0).intermediateSize();
        checkIndices("ffnKept", s.getFfnKept(), w.layers().size(), ffnSize, p);
        checkIndices("headsKept", s.getHeadsKept(), w.layers().size(), w.numHeads(), p);
        checkFfnDeltas(s, w, p);
        return p;
    }

    /** None, or one per layer: rank r, matching the hidden size and the layer's kept neuron count. */
    private static void checkFfnDeltas(TaskSkeleton s, EncoderWeights w, List<String> p) {
        List<FfnDelta> deltas = s.getFfnDeltas();
        int layers = w.layers().size();
        if (deltas.isEmpty()) {
            return;
        }
        if (deltas.size() != layers) {
            p.add("ffnDeltas has " + deltas.size() + " entries, expected none or " + layers + " (one per layer)");
            return;
        }
        int hidden = w.hiddenSize();
        for (int i = 0; i < layers; i++) {
            int neurons = s.getFfnKept() == null || s.getFfnKept().size() != layers
                    ? w.layers().get(i).intermediateSize() : s.getFfnKept().get(i).size();
            FfnDelta d = deltas.get(i);
            String name = "ffnDeltas[" + i + "]";
            int rank = d.getUpA().getCols();
            if (rank < 1 || rank > MAX_FFN_DELTA_RANK) {
                p.add(name + ".upA has rank " + rank + ", expected 1 to " + MAX_FFN_DELTA_RANK);
                continue;
            }
            checkMatrix(name + ".upA", d.getUpA(), hidden, rank, p);
            checkMatrix(name + ".upB", d.getUpB(), rank, neurons, p);
            checkMatrix(name + ".downA", d.getDownA(), neurons, rank, p);
            checkMatrix(name + ".downB", d.getDownB(), rank, hidden, p);
        }
    }

    /** How often the text slot {} occurs in a template: more than once would copy a request's text over and over. */
    private static int slots(String format) {
        int count = 0;
        for (int i = format.indexOf("{}"); i >= 0; i = format.indexOf("{}", i + 2)) {
            count++;
        }
        return count;
    }

    /** Checks shape and values; returns the row count, or -1 if the matrix is unusable. */
    private static int checkMatrix(String name, Matrix m, int rows, int cols, List<String> p) {
        ByteBuffer bytes = m.getValues().duplicate();
        if (m.getRows() < 0 || m.getCols() != cols || (rows >= 0 && m.getRows() != rows)) {
            p.add(name + " is " + m.getRows() + " x " + m.getCols() + ", expected "
                    + (rows >= 0 ? rows : "n") + " x " + cols);
            return -1;
        }
        if (bytes.remaining() != 4L * m.getRows() * m.getCols()) {
            p.add(name + " has " + bytes.remaining() + " bytes for " + m.getRows() + " x " + m.getCols() + " floats");
            return -1;
        }
        FloatBuffer floats = bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int i = 0; i < floats.remaining(); i++) {
            if (!Float.isFinite(floats.get(i))) {
                p.add(name + " has a NaN or infinite value at row " + i / cols + ", column " + i % cols);
                return -1;
            }
        }
        return m.getRows();
    }

    private static void checkIndices(String name, List<List<Integer>> perLayer, int layers, int size, List<String> p) {
        if (perLayer == null) {
            return;
        }
        if (perLayer.size() != layers) {
            p.add(name + " lists " + perLayer.size() + " layers, the base model has " + layers);
            return;
        }
        for (int layer = 0; layer < layers; layer++) {
            Set<Integer> seen = new HashSet<>();
            for (Integer i : perLayer.get(layer)) {
                if (i == null || i < 0 || i >= size) {
                    p.add(name + "[" + layer + "] index " + i + " is out of range [0, " + size + ")");
                } else if (!seen.add(i)) {
                    p.add(name + "[" + layer + "] repeats index " + i);
                }
            }
        }
    }
}
