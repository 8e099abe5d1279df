package dev.skeleton.builder.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.skeleton.avro.ClassifierHead;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.model.FloatTensor;
import dev.skeleton.engine.skeleton.Matrices;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What prompt tuning trains: the soft prompt ({@code P x hidden}) and the linear head
 * ({@code hidden x labels} and bias). Everything else is the frozen base model.
 */
public final class TaskParameters implements AutoCloseable {

    private final NDManager manager;
    private final NDArray prompt;
    private final NDArray headWeight;
    private final NDArray headBias;

    private TaskParameters(NDManager manager, NDArray prompt, NDArray headWeight, NDArray headBias) {
        this.manager = manager;
        this.prompt = prompt;
        this.headWeight = headWeight;
        this.headBias = headBias;
        for (NDArray p : trainable()) {
            p.setRequiresGradient(true);
        }
    }

    /**
     * Fresh parameters: prompt rows initialised from the embeddings of random vocabulary tokens (a common
     * prompt-tuning initialisation that starts the prompt inside the embedding distribution), head small
     * and random.
     */
    public static TaskParameters initial(NDManager parent, FloatTensor wordEmbeddings, int promptRows, int labels,
            long seed) {
        Random random = new Random(seed);
        int hidden = wordEmbeddings.cols();
        float[] prompt = new float[promptRows * hidden];
        for (int r = 0; r < promptRows; r++) {
            // skip the first 1000 ids: special and unused tokens in BERT vocabularies
            int token = 1000 + random.nextInt(wordEmbeddings.rows() - 1000);
            System.arraycopy(wordEmbeddings.data(), token * hidden, prompt, r * hidden, hidden);
        }
        float[] head = new float[hidden * labels];
        for (int i = 0; i < head.length; i++) {
            head[i] = (float) (random.nextGaussian() * 0.02);
        }
        NDManager m = parent.newSubManager();
        return new TaskParameters(m, m.create(prompt, new Shape(promptRows, hidden)),
                m.create(head, new Shape(hidden, labels)), m.zeros(new Shape(labels)));
    }

    /** A trainable copy of a skeleton's prompt and head (to re-tune it). */
    public static TaskParameters of(NDManager parent, TaskSkeleton skeleton) {
        NDManager m = parent.newSubManager();
        FloatTensor prompt = Matrices.toTensor(skeleton.getPrompt());
        FloatTensor head = Matrices.toTensor(skeleton.getHead().getWeight());
        float[] bias = new float[skeleton.getHead().getBias().size()];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = skeleton.getHead().getBias().get(i);
        }
        return new TaskParameters(m, m.create(prompt.data(), new Shape(prompt.rows(), prompt.cols())),
                m.create(head.data(), new Shape(head.rows(), head.cols())), m.create(bias));
    }

    public NDArray prompt() {
        return prompt;
    }

    public int promptRows() {
        return (int) prompt.getShape().get(0);
    }

    public NDArray headWeight() {
        return headWeight;
    }

    public NDArray headBias() {
        return headBias;
    }

    public List<NDArray> trainable() {
        return List.of(prompt, headWeight, headBias);
    }

    public FloatTensor promptTensor() {
        return new FloatTensor(new int[] {promptRows(), (int) prompt.getShape().get(1)}, prompt.toFloatArray());
    }

    public ClassifierHead head() {
        FloatTensor w = new FloatTensor(new int[] {(int) headWeight.getShape().get(0), (int) headWeight.getShape().get(1)},
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
