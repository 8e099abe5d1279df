package dev.skeleton.engine.runtime;

import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.model.FloatTensor;
import dev.skeleton.engine.skeleton.Matrices;

/**
 * The head of a SIAMESE task, run in Java after the encoder: it joins the pooled vectors {@code u} (text) and
 * {@code v} (pair) of each input into {@code [u, v, |u - v|, u * v]} and applies the classification layer. The
 * serving graph of a SIAMESE task ends at the pooled vector of each row, so a text and its pair need not share a
 * tensor: each runs in a batch of rows of its own length (a question of 12 tokens is not padded to its answer's 40),
 * and this head costs {@code 4 hidden x labels} multiply-adds per input.
 */
final class SiameseHead {

    private final FloatTensor weight;
    private final float[] bias;

    SiameseHead(TaskSkeleton skeleton) {
        this.weight = Matrices.toTensor(skeleton.getHead().getWeight());
        this.bias = new float[skeleton.getHead().getBias().size()];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = skeleton.getHead().getBias().get(i);
        }
    }

    /** Bytes of its weights, which the task owns. */
    long bytes() {
        return 4L * (weight.data().length + bias.length);
    }

    /**
     * Per-input outputs from per-row ones: {@code rows} holds the text's then the pair's pooled vector of each input,
     * in input order.
     */
    ForwardOutput combine(ForwardOutput rows) {
        int n = rows.pooled().length / 2;
        int labels = bias.length;
        float[][] probabilities = new float[n][];
        float[][] logits = new float[n][];
        float[][] features = new float[n][];
        boolean[] truncated = new boolean[n];
        for (int i = 0; i < n; i++) {
            features[i] = features(rows.pooled()[2 * i], rows.pooled()[2 * i + 1]);
            logits[i] = logits(features[i], labels);
            probabilities[i] = softmax(logits[i]);
            truncated[i] = rows.truncated()[2 * i] || rows.truncated()[2 * i + 1];
        }
        return new ForwardOutput(probabilities, logits, features, truncated);
    }

    private static float[] features(float[] u, float[] v) {
        int h = u.length;
        float[] f = new float[4 * h];
        for (int j = 0; j < h; j++) {
            f[j] = u[j];
            f[h + j] = v[j];
            f[2 * h + j] = Math.abs(u[j] - v[j]);
            f[3 * h + j] = u[j] * v[j];
        }
        return f;
    }

    private float[] logits(float[] features, int labels) {
        float[] w = weight.data();
        float[] out = bias.clone();
        for (int j = 0; j < features.length; j++) {
            float x = features[j];
            int row = j * labels;
            for (int k = 0; k < labels; k++) {
                out[k] += x * w[row + k];
            }
        }
        return out;
    }

    private static float[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        float[] p = new float[logits.length];
        for (int k = 0; k < p.length; k++) {
            p[k] = (float) Math.exp(logits[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < p.length; k++) {
            p[k] /= (float) sum;
        }
        return p;
    }
}
