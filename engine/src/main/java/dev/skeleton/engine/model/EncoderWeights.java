package dev.skeleton.engine.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * All weights of a BERT-family encoder, found by graph structure (see {@link BertGraphReader}).
 *
 * @param wordEmbeddings      {@code [vocab, hidden]}
 * @param positionEmbeddings  {@code [maxPositions, hidden]}
 * @param tokenTypeEmbeddings {@code [typeVocab, hidden]}
 * @param embeddingNorm       layer norm over the summed embeddings
 * @param layers              encoder layers, input side first
 * @param numHeads            attention heads per layer
 */
public record EncoderWeights(
        FloatTensor wordEmbeddings,
        FloatTensor positionEmbeddings,
        FloatTensor tokenTypeEmbeddings,
        LayerNorm embeddingNorm,
        List<EncoderLayer> layers,
        int numHeads) {

    public EncoderWeights {
        layers = List.copyOf(layers);
    }

    public int hiddenSize() {
        return wordEmbeddings.cols();
    }

    public int headSize() {
        return hiddenSize() / numHeads;
    }

    public int maxPositions() {
        return positionEmbeddings.rows();
    }

    /**
     * A stable identity of these weights: sha256 over every tensor's shape and values in structural order
     * (embeddings, then each layer's tensors in record order) and the head count. Initializer names, graph
     * layout and producer metadata do not enter, so re-exports of the same weights share a fingerprint.
     */
    public String fingerprint() {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
        for (FloatTensor t : allTensors()) {
            ByteBuffer buf = ByteBuffer.allocate(4 * (1 + t.shape().length + t.data().length))
                    .order(ByteOrder.LITTLE_ENDIAN);
            buf.putInt(t.shape().length);
            for (int d : t.shape()) {
                buf.putInt(d);
            }
            for (float v : t.data()) {
                buf.putFloat(v);
            }
            digest.update(buf.array());
        }
        digest.update(ByteBuffer.allocate(4).putInt(numHeads).array());
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    private List<FloatTensor> allTensors() {
        List<FloatTensor> all = new ArrayList<>(List.of(
                wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings,
                embeddingNorm.gamma(), embeddingNorm.beta()));
        for (EncoderLayer l : layers) {
            all.addAll(List.of(
                    l.query(), l.queryBias(), l.key(), l.keyBias(), l.value(), l.valueBias(),
                    l.attentionOut(), l.attentionOutBias(),
                    l.attentionNorm().gamma(), l.attentionNorm().beta(),
                    l.ffnIn(), l.ffnInBias(), l.ffnOut(), l.ffnOutBias(),
                    l.ffnNorm().gamma(), l.ffnNorm().beta()));
        }
        return all;
    }

    /** Total bytes of all weights. */
    public long sizeInBytes() {
        return allTensors().stream().mapToLong(FloatTensor::sizeInBytes).sum();
    }
}
