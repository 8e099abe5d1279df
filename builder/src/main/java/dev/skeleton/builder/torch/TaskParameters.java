package dev.skeleton.builder.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.skeleton.avro.ClassifierHead;
import dev.skeleton.avro.FfnDelta;
import dev.skeleton.avro.InputKind;
import dev.skeleton.avro.Matrix;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.model.FloatTensor;
import dev.skeleton.engine.skeleton.Matrices;
import dev.skeleton.engine.text.InputKinds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * What prompt tuning trains: the soft prompt ({@code P x hidden}), optionally a deep prompt (one
 * {@code P x hidden} offset per layer after the first, added to the prompt positions' states), and the linear
 * head ({@code hidden x labels}, {@code 4 hidden x labels} for a SIAMESE task, and bias); when a skeleton is
 * re-tuned, optionally a low-rank update of each layer's kept FFN weights ({@link FfnAdapter}). Everything else is
 * the frozen base model.
 */
public final class TaskParameters implements AutoCloseable {

    private final NDManager manager;
    private final NDArray prompt;
    /** {@code [layers - 1, P, hidden]}, or null for a prompt at the embeddings only. */
    private final NDArray layerPrompts;
    private final NDArray headWeight;
    private final NDArray headBias;
    /** One low-rank FFN update per layer, or null: none (the prompt on the full model, or not re-tuned so). */
    private List<FfnAdapter> ffnAdapters;

    private TaskParameters(NDManager manager, NDArray prompt, NDArray layerPrompts, NDArray headWeight,
            NDArray headBias) {
        this.manager = manager;
        this.prompt = prompt;
        this.layerPrompts = layerPrompts;
        this.headWeight = headWeight;
        this.headBias = headBias;
        for (NDArray p : trainable()) {
            p.setRequiresGradient(true);
        }
    }

    /**
     * Fresh parameters: prompt rows initialised from the embeddings of random vocabulary tokens (a common
     * prompt-tuning initialisation that starts the prompt inside the embedding distribution), head small
     * and random, on the pooled vector or, for a SIAMESE task, on the pair's features ({@link InputKinds}). With
     * {@code deepLayers} (the encoder's layer count; 0 for a shallow prompt) the prompt is
     * deep: one offset per layer after the first, starting at zero so that training starts from the shallow
     * prompt's model.
     */
    public static TaskParameters initial(NDManager parent, FloatTensor wordEmbeddings, InputKind kind, int promptRows,
            int labels, long seed, int deepLayers) {
        Random random = new Random(seed);
        int hidden = wordEmbeddings.cols();
        float[] prompt = new float[promptRows * hidden];
        for (int r = 0; r < promptRows; r++) {
            // skip the first 1000 ids: special and unused tokens in BERT vocabularies
            int token = 1000 + random.nextInt(wordEmbeddings.rows() - 1000);
            System.arraycopy(wordEmbeddings.data(), token * hidden, prompt, r * hidden, hidden);
        }
        int headInputs = InputKinds.headInputs(kind, hidden);
        float[] head = new float[headInputs * labels];
        for (int i = 0; i < head.length; i++) {
            head[i] = (float) (random.nextGaussian() * 0.02);
        }
        NDManager m = parent.newSubManager();
        NDArray layerPrompts = deepLayers > 1 && promptRows > 0
                ? m.zeros(new Shape(deepLayers - 1, promptRows, hidden)) : null;
        return new TaskParameters(m, m.create(prompt, new Shape(promptRows, hidden)), layerPrompts,
                m.create(head, new Shape(headInputs, labels)), m.zeros(new Shape(labels)));
    }

    /** A trainable copy of a skeleton's prompt, head and FFN updates (to re-tune it). */
    public static TaskParameters of(NDManager parent, TaskSkeleton skeleton) {
        return of(parent, skeleton, skeleton.getFfnKept());
    }

    /**
     * As {@link #of(NDManager, TaskSkeleton)}, for a skeleton that keeps {@code ffnKept} of the FFN neurons
     * {@code skeleton} keeps (a warm start of a smaller candidate): its FFN updates are restricted to them.
     */
    public static TaskParameters of(NDManager parent, TaskSkeleton skeleton, List<List<Integer>> ffnKept) {
        NDManager m = parent.newSubManager();
        FloatTensor prompt = Matrices.toTensor(skeleton.getPrompt());
        FloatTensor head = Matrices.toTensor(skeleton.getHead().getWeight());
        float[] bias = new float[skeleton.getHead().getBias().size()];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = skeleton.getHead().getBias().get(i);
        }
        NDArray layerPrompts = null;
        if (!skeleton.getLayerPrompts().isEmpty()) {
            List<FloatTensor> deep = skeleton.getLayerPrompts().stream().map(Matrices::toTensor).toList();
            float[] all = new float[deep.size() * prompt.rows() * prompt.cols()];
            for (int i = 0; i < deep.size(); i++) {
                System.arraycopy(deep.get(i).data(), 0, all, i * prompt.rows() * prompt.cols(),
                        prompt.rows() * prompt.cols());
            }
            layerPrompts = m.create(all, new Shape(deep.size(), prompt.rows(), prompt.cols()));
        }
        TaskParameters params = new TaskParameters(m, m.create(prompt.data(), new Shape(prompt.rows(),
                prompt.cols())), layerPrompts, m.create(head.data(), new Shape(head.rows(), head.cols())),
                m.create(bias));
        List<FfnDelta> deltas = skeleton.getFfnDeltas();
        if (!deltas.isEmpty()) {
            List<FfnAdapter> adapters = new ArrayList<>();
            for (int i = 0; i < deltas.size(); i++) {
                adapters.add(FfnAdapter.of(m, deltas.get(i), positions(skeleton.getFfnKept(), ffnKept, i)));
            }
            params.setFfnAdapters(adapters);
        }
        return params;
    }

    /** Where layer {@code layer}'s neurons of {@code to} sit among those of {@code from} (null: the same). */
    private static int[] positions(List<List<Integer>> from, List<List<Integer>> to, int layer) {
        if (Objects.equals(from, to)) {
            return null;
        }
        if (to == null) {
            throw new IllegalArgumentException("a skeleton's FFN updates cannot be widened to every neuron");
        }
        List<Integer> source = from == null ? null : from.get(layer).stream().sorted().toList();
        return to.get(layer).stream().sorted().mapToInt(n -> {
            int at = source == null ? n : Collections.binarySearch(source, n);
            if (at < 0) {
                throw new IllegalArgumentException("layer " + layer + ": neuron " + n
                        + " has no FFN update in the skeleton to start from");
            }
            return at;
        }).toArray();
    }

    /**
     * Adds a fresh low-rank FFN update of {@code rank} to every layer of {@code layers} (which must keep some
     * neurons), replacing any it had: from now on they are trained too.
     */
    public void addFfnAdapters(List<TorchLayer> layers, int rank, long seed) {
        Random random = new Random(seed);
        setFfnAdapters(layers.stream().map(l -> FfnAdapter.fresh(manager, (int) l.ffnIn().getShape().get(0),
                l.neurons(), rank, random)).toList());
    }

    private void setFfnAdapters(List<FfnAdapter> adapters) {
        this.ffnAdapters = adapters;
        adapters.forEach(a -> a.trainable().forEach(p -> p.setRequiresGradient(true)));
    }

    /** Layer {@code layer}'s FFN update, or null when there is none. */
    public FfnAdapter ffnAdapter(int layer) {
        return ffnAdapters == null ? null : ffnAdapters.get(layer);
    }

    /** The FFN updates as the skeleton stores them; empty when there are none. */
    public List<FfnDelta> ffnDeltas() {
        return ffnAdapters == null ? List.of() : ffnAdapters.stream().map(FfnAdapter::toAvro).toList();
    }

    public NDArray prompt() {
        return prompt;
    }

    public int promptRows() {
        return (int) prompt.getShape().get(0);
    }

    /**
     * The deep prompt's offset for the prompt positions before layer {@code layer} (>= 1), owned by {@code step}
     * so that it is freed with the step; null when the prompt is shallow.
     */
    public NDArray layerPrompt(int layer, NDManager step) {
        if (layerPrompts == null || layer < 1) {
            return null;
        }
        NDArray offset = layerPrompts.get(layer - 1);
        offset.attach(step);
        return offset;
    }

    public NDArray headWeight() {
        return headWeight;
    }

    public NDArray headBias() {
        return headBias;
    }

    public List<NDArray> trainable() {
        List<NDArray> all = new ArrayList<>(layerPrompts == null ? List.of(prompt, headWeight, headBias)
                : List.of(prompt, layerPrompts, headWeight, headBias));
        if (ffnAdapters != null) {
            ffnAdapters.forEach(a -> all.addAll(a.trainable()));
        }
        return all;
    }

    public FloatTensor promptTensor() {
        return new FloatTensor(new int[] {promptRows(), (int) prompt.getShape().get(1)}, prompt.toFloatArray());
    }

    /** The deep prompt as the skeleton stores it: one matrix per layer after the first; empty when shallow. */
    public List<Matrix> layerPromptMatrices() {
        if (layerPrompts == null) {
            return List.of();
        }
        int rows = promptRows();
        int cols = (int) prompt.getShape().get(1);
        float[] all = layerPrompts.toFloatArray();
        List<Matrix> matrices = new ArrayList<>();
        for (int i = 0; i < layerPrompts.getShape().get(0); i++) {
            float[] one = Arrays.copyOfRange(all, i * rows * cols, (i + 1) * rows * cols);
            matrices.add(Matrices.toAvro(new FloatTensor(new int[] {rows, cols}, one)));
        }
        return matrices;
    }

    public ClassifierHead head() {
        FloatTensor w = new FloatTensor(new int[] {(int) headWeight.getShape().get(0), (int) headWeight.getShape()
                .get(1)},
                headWeight.toFloatArray());
        List<Float> bias = new ArrayList<>();
        for (float b : headBias.toFloatArray()) {
            bias.add(b);
        }
        return new ClassifierHead(Matrices.toAvro(w), bias);
    }

    @Override
    public void close() {
        manager.close();
    }
}
