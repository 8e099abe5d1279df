package dev.skeleton.builder.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.skeleton.engine.model.EncoderLayer;
import dev.skeleton.engine.model.FloatTensor;
import java.util.stream.IntStream;

/**
 * One encoder layer's frozen weights on PyTorch, already sliced to the kept heads and FFN neurons exactly as
 * the serving graph slices them ({@code SkeletonGraphBuilder}), so training and serving compute the same
 * function.
 *
 * @param heads   kept heads (the attention matrices hold {@code heads * headSize} columns); 0 skips attention
 * @param neurons kept FFN neurons; 0 skips the FFN
 */
public record TorchLayer(
        int heads, int neurons,
        NDArray query, NDArray queryBias, NDArray key, NDArray keyBias, NDArray value, NDArray valueBias,
        NDArray attentionOut, NDArray attentionOutBias, NDArray attentionGamma, NDArray attentionBeta,
        float attentionEps,
        NDArray ffnIn, NDArray ffnInBias, NDArray ffnOut, NDArray ffnOutBias, NDArray ffnGamma, NDArray ffnBeta,
        float ffnEps) {

    /** The layer restricted to {@code keptHeads} and {@code keptNeurons} (sorted; null = all). */
    static TorchLayer of(EncoderLayer l, int[] keptHeads, int[] keptNeurons, int numHeads, int headSize,
            NDManager manager) {
        int[] heads = keptHeads != null ? keptHeads : range(numHeads);
        int[] neurons = keptNeurons != null ? keptNeurons : range(l.intermediateSize());
        int[] columns = new int[heads.length * headSize];
        for (int h = 0; h < heads.length; h++) {
            for (int j = 0; j < headSize; j++) {
                columns[h * headSize + j] = heads[h] * headSize + j;
            }
        }
        return new TorchLayer(heads.length, neurons.length,
                nd(l.query().selectColumns(columns), manager), nd(l.queryBias().selectEntries(columns), manager),
                nd(l.key().selectColumns(columns), manager), nd(l.keyBias().selectEntries(columns), manager),
                nd(l.value().selectColumns(columns), manager), nd(l.valueBias().selectEntries(columns), manager),
                nd(l.attentionOut().selectRows(columns), manager), nd(l.attentionOutBias(), manager),
                nd(l.attentionNorm().gamma(), manager), nd(l.attentionNorm().beta(), manager),
                l.attentionNorm().epsilon(),
                nd(l.ffnIn().selectColumns(neurons), manager), nd(l.ffnInBias().selectEntries(neurons), manager),
                nd(l.ffnOut().selectRows(neurons), manager), nd(l.ffnOutBias(), manager),
                nd(l.ffnNorm().gamma(), manager), nd(l.ffnNorm().beta(), manager), l.ffnNorm().epsilon());
    }

    static NDArray nd(FloatTensor t, NDManager manager) {
        long[] shape = new long[t.shape().length];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.shape()[i];
        }
        return manager.create(t.data(), new Shape(shape));
    }

    static int[] range(int n) {
        return IntStream.range(0, n).toArray();
    }
}
