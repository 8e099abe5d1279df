package dev.skeleton.engine.skeleton;

import dev.skeleton.avro.BaseModelRef;
import dev.skeleton.avro.ClassifierHead;
import dev.skeleton.avro.FfnDelta;
import dev.skeleton.avro.InputKind;
import dev.skeleton.avro.InputTemplate;
import dev.skeleton.avro.Matrix;
import dev.skeleton.avro.Pooling;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.model.EncoderWeights;
import dev.skeleton.engine.model.FloatTensor;
import dev.skeleton.engine.text.InputKinds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Skeletons with random prompt, head and kept neurons, for benchmarks and tests where only the shape
 * matters: speed does not depend on which neurons are kept, and parity tests compare two computations of
 * the same random skeleton. Never a substitute for a trained skeleton's accuracy.
 */
public final class SyntheticSkeletons {

    private SyntheticSkeletons() {}

    /**
     * A random single-text skeleton.
     *
     * @param promptRows soft prompt length
     * @param ffnKeep    fraction of FFN neurons kept in every layer, (0, 1]; 1 keeps all (null list)
     * @param headKeep   fraction of attention heads kept in every layer, (0, 1]; 1 keeps all (null list)
     */
    public static TaskSkeleton random(BaseModel base, String taskId, int promptRows, double ffnKeep, double headKeep,
            long seed) {
        EncoderWeights w = base.weights();
        Random random = new Random(seed);
        int hidden = w.hiddenSize();
        float[] prompt = new float[promptRows * hidden];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = (float) (random.nextGaussian() * 0.05);
        }
        float[] head = new float[hidden * 2];
        for (int i = 0; i < head.length; i++) {
            head[i] = (float) (random.nextGaussian() * 0.5);
        }
        return TaskSkeleton.newBuilder()
                .setTaskId(taskId)
                .setVersion(1)
                .setBaseModel(new BaseModelRef(base.fingerprint(), base.name()))
                .setLabels(List.of("negative", "positive"))
                .setInput(InputTemplate.newBuilder().setKind(InputKind.SINGLE).build())
                .setPooling(Pooling.MEAN)
                .setPrompt(Matrices.toAvro(new FloatTensor(new int[] {promptRows, hidden}, prompt)))
                .setFfnKept(ffnKeep >= 1 ? null
                        : keptPerLayer(w.layers().size(), w.layers().get(0).intermediateSize(), ffnKeep, random))
                .setHeadsKept(headKeep >= 1 ? null : keptPerLayer(w.layers().size(), w.numHeads(), headKeep, random))
                .setHead(new ClassifierHead(Matrices.toAvro(new FloatTensor(new int[] {hidden, 2}, head)),
                        List.of(0.1f, -0.1f)))
                .build();
    }

    /** {@code skeleton} with a random deep prompt: one offset (scale 0.5) per layer after the first. */
    public static TaskSkeleton withDeepPrompt(TaskSkeleton skeleton, int layers, long seed) {
        Random random = new Random(seed);
        FloatTensor prompt = Matrices.toTensor(skeleton.getPrompt());
        List<Matrix> offsets = new ArrayList<>();
        for (int l = 1; l < layers; l++) {
            float[] offset = new float[prompt.rows() * prompt.cols()];
            for (int i = 0; i < offset.length; i++) {
                offset[i] = (float) (random.nextGaussian() * 0.5);
            }
            offsets.add(Matrices.toAvro(new FloatTensor(prompt.shape(), offset)));
        }
        return TaskSkeleton.newBuilder(skeleton).setLayerPrompts(offsets).build();
    }

    /**
     * {@code skeleton} as a SIAMESE pair task: the same skeleton, with a random head (scale 0.5) on the pair's
     * features.
     */
    public static TaskSkeleton siamese(TaskSkeleton skeleton, long seed) {
        Random random = new Random(seed);
        int hidden = Matrices.toTensor(skeleton.getHead().getWeight()).rows();
        int features = InputKinds.headInputs(InputKind.SIAMESE, hidden);
        int labels = skeleton.getLabels().size();
        float[] head = new float[features * labels];
        for (int i = 0; i < head.length; i++) {
            head[i] = (float) (random.nextGaussian() * 0.5);
        }
        return TaskSkeleton.newBuilder(skeleton)
                .setInput(InputTemplate.newBuilder(skeleton.getInput()).setKind(InputKind.SIAMESE).build())
                .setHead(new ClassifierHead(Matrices.toAvro(new FloatTensor(new int[] {features, labels}, head)),
                        skeleton.getHead().getBias()))
                .build();
    }

    /** {@code skeleton} with a random low-rank update (entries of scale 0.05) of every layer's kept FFN weights. */
    public static TaskSkeleton withFfnDeltas(TaskSkeleton skeleton, BaseModel base, int rank, long seed) {
        Random random = new Random(seed);
        EncoderWeights w = base.weights();
        int hidden = w.hiddenSize();
        List<FfnDelta> deltas = new ArrayList<>();
        for (int l = 0; l < w.layers().size(); l++) {
            int neurons = skeleton.getFfnKept() == null ? w.layers().get(l).intermediateSize()
                    : skeleton.getFfnKept().get(l).size();
            deltas.add(new FfnDelta(gaussian(hidden, rank, random), gaussian(rank, neurons, random),
                    gaussian(neurons, rank, random), gaussian(rank, hidden, random)));
        }
        return TaskSkeleton.newBuilder(skeleton).setFfnDeltas(deltas).build();
    }

    private static Matrix gaussian(int rows, int cols, Random random) {
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextGaussian() * 0.05);
        }
        return Matrices.toAvro(new FloatTensor(new int[] {rows, cols}, data));
    }

    /** {@code round(keep * size)} random distinct indices per layer, sorted. */
    public static List<List<Integer>> keptPerLayer(int layers, int size, double keep, Random random) {
        int count = (int) Math.round(keep * size);
        List<List<Integer>> perLayer = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            List<Integer> all = new ArrayList<>(IntStream.range(0, size).boxed().toList());
            Collections.shuffle(all, random);
            perLayer.add(all.subList(0, count).stream().sorted().toList());
        }
        return perLayer;
    }
}
