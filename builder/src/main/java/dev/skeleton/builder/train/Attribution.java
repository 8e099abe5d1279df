package dev.skeleton.builder.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.skeleton.builder.data.LabeledExample;
import dev.skeleton.builder.torch.Gates;
import dev.skeleton.builder.torch.TaskParameters;
import dev.skeleton.builder.torch.TorchLayer;
import dev.skeleton.engine.model.EncoderWeights;
import java.util.List;

/**
 * Scores every FFN neuron and attention head of the full model for a prompt-tuned task: the mean over
 * examples of |d(gold-class log-probability)/d(gate)|, where the gate multiplies the neuron's activation
 * (see {@link Gates}); with integrated gradients, averaged over gate values from 0 to 1.
 */
public final class Attribution {

    /**
     * Scores per layer.
     *
     * @param ffn     {@code [layer][neuron]}
     * @param heads   {@code [layer][head]}
     * @param skipped examples left out because one of their gradients was NaN or infinite
     */
    public record Scores(double[][] ffn, double[][] heads, int skipped) {}

    private final PromptTuner tuner;
    private final EncoderWeights weights;

    public Attribution(PromptTuner tuner, EncoderWeights weights) {
        this.tuner = tuner;
        this.weights = weights;
    }

    public Scores score(TaskParameters params, List<TorchLayer> fullLayers, List<LabeledExample> examples,
            AttributionMethod method, int integrationSteps, int batchSize) {
        int layers = weights.layers().size();
        int neurons = weights.layers().get(0).intermediateSize();
        int heads = weights.numHeads();
        double[][] ffn = new double[layers][neurons];
        double[][] head = new double[layers][heads];
        int steps = method == AttributionMethod.INTEGRATED_GRADIENTS ? integrationSteps : 1;
        int used = 0;
        // the scores sum over examples, so batching shortest first changes nothing but the padding computed
        List<LabeledExample> ordered = tuner.shortestFirst(examples);
        for (int start = 0; start < ordered.size(); start += batchSize) {
            List<LabeledExample> batch = ordered.subList(start, Math.min(ordered.size(), start + batchSize));
            float[][] ffnGrad = new float[layers][];
            float[][] headGrad = new float[layers][];
            for (int s = 0; s < steps; s++) {
                float alpha = steps == 1 ? 1f : (s + 0.5f) / steps;
                try (NDManager step = params.prompt().getManager().newSubManager();
                        GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                    Gates gates = Gates.of(step, batch.size(), layers, neurons, heads, alpha);
                    // the loss sums over the batch, so each example's gate gets its own example's gradient
                    NDArray loss = tuner.loss(step, params, fullLayers, batch, gates).mul(batch.size());
                    collector.backward(loss);
                    for (int l = 0; l < layers; l++) {
                        ffnGrad[l] = add(ffnGrad[l], gates.ffn().get(l).getGradient().toFloatArray());
                        headGrad[l] = add(headGrad[l], gates.heads().get(l).getGradient().toFloatArray());
                    }
                }
            }
            used += accumulate(ffn, head, ffnGrad, headGrad, batch.size(), steps);
        }
        if (used == 0) {
            throw new TrainingDivergedException("attribution: every one of " + examples.size()
                    + " examples had a NaN or infinite gradient");
        }
        for (int l = 0; l < layers; l++) {
            scale(ffn[l], 1.0 / used);
            scale(head[l], 1.0 / used);
        }
        return new Scores(ffn, head, examples.size() - used);
    }

    /**
     * Adds each example's |mean gradient over the integration steps| to the scores, leaving out an example any of
     * whose gradients is NaN or infinite: one such example would make every unit of its layers NaN, and a ranking of
     * NaN keeps arbitrary units (seen once on genre: two layers' scores all NaN). Returns how many examples it added.
     *
     * @param ffnGrad  {@code [layer][example * neurons + neuron]}
     * @param headGrad {@code [layer][example * heads + head]}
     */
    static int accumulate(double[][] ffn, double[][] head, float[][] ffnGrad, float[][] headGrad, int examples,
            int steps) {
        int added = 0;
        for (int e = 0; e < examples; e++) {
            if (finite(ffnGrad, e, ffn[0].length) && finite(headGrad, e, head[0].length)) {
                for (int l = 0; l < ffn.length; l++) {
                    addAbs(ffn[l], ffnGrad[l], e, steps);
                    addAbs(head[l], headGrad[l], e, steps);
                }
                added++;
            }
        }
        return added;
    }

    private static boolean finite(float[][] grads, int example, int units) {
        for (float[] layer : grads) {
            for (int i = example * units; i < (example + 1) * units; i++) {
                if (!Float.isFinite(layer[i])) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void addAbs(double[] scores, float[] grads, int example, int steps) {
        int units = scores.length;
        for (int i = 0; i < units; i++) {
            scores[i] += Math.abs(grads[example * units + i] / steps);
        }
    }

    private static float[] add(float[] sum, float[] values) {
        if (sum == null) {
            return values;
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] += values[i];
        }
        return sum;
    }

    private static void scale(double[] values, double factor) {
        for (int i = 0; i < values.length; i++) {
            values[i] *= factor;
        }
    }
}
