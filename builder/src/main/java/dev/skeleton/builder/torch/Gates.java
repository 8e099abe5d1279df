package dev.skeleton.builder.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A multiplicative gate on every FFN neuron and attention head, one per example. The forward pass multiplies
 * each neuron's activation (each head's context) by its gate, so {@code dLoss/dGate[b, j]} is exactly the
 * token-summed gradient x activation of neuron j on example b: per-example attribution scores for the
 * price of one backward pass over the batch. The two encoder passes of a SIAMESE example (its text's, its
 * pair's) share its gates: the unit is pruned from both, so its score is the sum of both.
 *
 * @param ffn   per layer, {@code [batch, 1, neurons]} (broadcast over tokens)
 * @param heads per layer, {@code [batch, heads, 1, 1]} (broadcast over query and key positions)
 */
public record Gates(List<NDArray> ffn, List<NDArray> heads) {

    /** Gates of {@code value} for a batch of {@code batch} examples, collecting gradients. */
    public static Gates of(NDManager manager, int batch, int layers, int neurons, int heads, float value) {
        List<NDArray> ffn = new ArrayList<>();
        List<NDArray> head = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            NDArray f = manager.full(new Shape(batch, 1, neurons), value);
            NDArray h = manager.full(new Shape(batch, heads, 1, 1), value);
            f.setRequiresGradient(true);
            h.setRequiresGradient(true);
            ffn.add(f);
            head.add(h);
        }
        return new Gates(ffn, head);
    }
}
