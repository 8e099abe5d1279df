package dev.skeleton.builder.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A multiplicative gate of 1 on every FFN neuron and attention head. The forward pass multiplies each
 * neuron's activation (each head's context) by its gate, so {@code dLoss/dGate} is exactly the token-summed
 * gradient x activation of that neuron: the attribution score, for the price of one backward pass.
 *
 * @param ffn   per layer, {@code [neurons]}
 * @param heads per layer, {@code [heads]}
 */
public record Gates(List<NDArray> ffn, List<NDArray> heads) {

    /** Gates of {@code value} that collect gradients. */
    public static Gates of(NDManager manager, int layers, int neurons, int heads, float value) {
        List<NDArray> ffn = new ArrayList<>();
        List<NDArray> head = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            NDArray f = manager.full(new Shape(neurons), value);
            NDArray h = manager.full(new Shape(heads), value);
            f.setRequiresGradient(true);
            h.setRequiresGradient(true);
            ffn.add(f);
            head.add(h);
        }
        return new Gates(ffn, head);
    }
}
