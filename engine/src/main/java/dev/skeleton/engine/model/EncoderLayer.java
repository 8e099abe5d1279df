package dev.skeleton.engine.model;

/**
 * Weights of one transformer encoder layer (post-norm BERT layout). Matrices are stored as ONNX MatMul
 * right-hand sides: {@code [in, out]}.
 *
 * @param query         query projection {@code [hidden, hidden]}
 * @param queryBias     {@code [hidden]}
 * @param key           key projection {@code [hidden, hidden]}
 * @param keyBias       {@code [hidden]}
 * @param value         value projection {@code [hidden, hidden]}
 * @param valueBias     {@code [hidden]}
 * @param attentionOut  attention output projection {@code [hidden, hidden]}
 * @param attentionOutBias {@code [hidden]}
 * @param attentionNorm layer norm after the attention residual
 * @param ffnIn         FFN up projection {@code [hidden, intermediate]}; column j feeds neuron j
 * @param ffnInBias     {@code [intermediate]}
 * @param ffnOut        FFN down projection {@code [intermediate, hidden]}; row j reads neuron j
 * @param ffnOutBias    {@code [hidden]}
 * @param ffnNorm       layer norm after the FFN residual
 */
public record EncoderLayer(
        FloatTensor query,
        FloatTensor queryBias,
        FloatTensor key,
        FloatTensor keyBias,
        FloatTensor value,
        FloatTensor valueBias,
        FloatTensor attentionOut,
        FloatTensor attentionOutBias,
        LayerNorm attentionNorm,
        FloatTensor ffnIn,
        FloatTensor ffnInBias,
        FloatTensor ffnOut,
        FloatTensor ffnOutBias,
        LayerNorm ffnNorm) {

    /** Number of FFN intermediate neurons. */
    public int intermediateSize() {
        return ffnIn.cols();
    }
}
