package dev.skeleton.builder.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.skeleton.avro.FfnDelta;
import dev.skeleton.avro.Matrix;
import dev.skeleton.engine.model.FloatTensor;
import dev.skeleton.engine.skeleton.Matrices;
import java.util.List;
import java.util.Random;

/**
 * A low-rank update of one layer's kept FFN weights (LoRA): {@code ffnIn + upA x upB} and
 * {@code ffnOut + downA x downB}, trained while a skeleton is re-tuned. A skeleton owns its sliced FFN matrices
 * anyway, so the serving graph adds the update into them once ({@code SkeletonGraphBuilder}) and it costs nothing
 * at inference; it lets the kept neurons take over part of what the removed ones did, which the prompt alone
 * cannot. {@code B} starts at zero, so training starts from the skeleton without it.
 */
public final class FfnAdapter {

    private final NDArray upA;
    private final NDArray upB;
    private final NDArray downA;
    private final NDArray downB;

    private FfnAdapter(NDArray upA, NDArray upB, NDArray downA, NDArray downB) {
        this.upA = upA;
        this.upB = upB;
        this.downA = downA;
        this.downB = downB;
    }

    /**
     * Training scale of the update: with AdamW at the prompt's learning rate (0.01), B moves by about that much per
     * step, far too fast for weights of about 0.05; the scale slows the update's change to that of a learning rate
     * of about 0.001, usual for LoRA. The stored update has it folded in.
     */
    static final float SCALE = 0.1f;

    /** A fresh update of rank {@code rank} for a layer of {@code hidden} units and {@code neurons} kept neurons. */
    static FfnAdapter fresh(NDManager manager, int hidden, int neurons, int rank, Random random) {
        return new FfnAdapter(gaussian(manager, hidden, rank, random), manager.zeros(new Shape(rank, neurons)),
                gaussian(manager, neurons, rank, random), manager.zeros(new Shape(rank, hidden)));
    }

    /**
     * A trainable copy of a stored update, restricted to the neurons at {@code positions} of those it was trained
     * for (null: all of them), for a warm start of a smaller skeleton. The stored B has the scale folded in; it is
     * unfolded again, so the copy trains at {@link #SCALE} as a fresh update does. (Copied at scale 1, its B moved
     * ten times faster: on SST-2 every trial warm-started from a re-tuned skeleton lost 3-13 points of validation
     * accuracy in its first two rounds, at a training loss above the same shape's started from the prompt.)
     */
    static FfnAdapter of(NDManager manager, FfnDelta delta, int[] positions) {
        FloatTensor upB = Matrices.toTensor(delta.getUpB());
        FloatTensor downA = Matrices.toTensor(delta.getDownA());
        if (positions != null) {
            upB = upB.selectColumns(positions);
            downA = downA.selectRows(positions);
        }
        return new FfnAdapter(TorchLayer.nd(Matrices.toTensor(delta.getUpA()), manager),
                TorchLayer.nd(times(upB, 1 / SCALE), manager), TorchLayer.nd(downA, manager),
                TorchLayer.nd(times(Matrices.toTensor(delta.getDownB()), 1 / SCALE), manager));
    }

    /** Kaiming-like start for A: unit-variance outputs per input row, as LoRA does. */
    private static NDArray gaussian(NDManager manager, int rows, int cols, Random random) {
        float[] data = new float[rows * cols];
        double std = 1 / Math.sqrt(rows);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextGaussian() * std);
        }
        return manager.create(data, new Shape(rows, cols));
    }

    /** The update's contribution to the up projection of {@code x} (a per-step array, so the result is too). */
    NDArray up(NDArray x) {
        return x.matMul(upA).matMul(upB).mul(SCALE);
    }

    /** The update's contribution to the down projection of the activations {@code x}. */
    NDArray down(NDArray x) {
        return x.matMul(downA).matMul(downB).mul(SCALE);
    }

    List<NDArray> trainable() {
        return List.of(upA, upB, downA, downB);
    }

    /** As the skeleton stores it: the scale folded into B. */
    public FfnDelta toAvro() {
        return new FfnDelta(matrix(upA, 1f), matrix(upB, SCALE), matrix(downA, 1f), matrix(downB, SCALE));
    }

    private static Matrix matrix(NDArray a, float factor) {
        return Matrices.toAvro(times(new FloatTensor(new int[] {(int) a.getShape().get(0),
                (int) a.getShape().get(1)}, a.toFloatArray()), factor));
    }

    /** A copy of {@code t} with every entry multiplied by {@code factor}: folds the scale in, or out again. */
    private static FloatTensor times(FloatTensor t, float factor) {
        float[] data = t.data().clone();
        for (int i = 0; i < data.length; i++) {
            data[i] *= factor;
        }
        return new FloatTensor(t.shape(), data);
    }
}
