package dev.skeleton.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.skeleton.engine.TestModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class BertGraphReaderTest {

    @Test
    void shouldFindMiniLmStructureByGraphShape() {
        EncoderWeights w = TestModels.base().weights();

        assertThat(w.layers()).as("layers").hasSize(6);
        assertThat(w.hiddenSize()).as("hidden size").isEqualTo(384);
        assertThat(w.numHeads()).as("heads").isEqualTo(12);
        assertThat(w.layers().get(0).intermediateSize()).as("FFN size").isEqualTo(1536);
        assertThat(w.wordEmbeddings().rows()).as("vocabulary").isEqualTo(30522);
        assertThat(w.maxPositions()).as("positions").isEqualTo(512);
        assertThat(w.embeddingNorm().epsilon()).as("layer norm epsilon").isEqualTo(1e-12f);
    }

    @Test
    void shouldGiveTheSameFingerprintForTheSameWeights() {
        EncoderWeights again = BertGraphReader.read(TestModels.originalProto());

        assertThat(again.fingerprint()).isEqualTo(TestModels.base().fingerprint()).startsWith("sha256:");
    }

    @Test
    void shouldChangeFingerprintWhenOneWeightChanges() {
        EncoderWeights w = TestModels.base().weights();
        FloatTensor bias = w.layers().get(5).ffnOutBias();
        float[] changed = bias.data().clone();
        changed[0] += 1e-3f;
        List<EncoderLayer> layers = new ArrayList<>(w.layers());
        EncoderLayer l = layers.get(5);
        layers.set(5, new EncoderLayer(l.query(), l.queryBias(), l.key(), l.keyBias(), l.value(), l.valueBias(),
                l.attentionOut(), l.attentionOutBias(), l.attentionNorm(), l.ffnIn(), l.ffnInBias(), l.ffnOut(),
                FloatTensor.vector(changed), l.ffnNorm()));
        EncoderWeights other = new EncoderWeights(w.wordEmbeddings(), w.positionEmbeddings(), w.tokenTypeEmbeddings(),
                w.embeddingNorm(), layers, w.numHeads());

        assertThat(other.fingerprint()).isNotEqualTo(w.fingerprint());
    }

    @Test
    void shouldRefuseTanhApproximatedGelu() {
        ModelProto tanh = mapNodes(TestModels.originalProto(), n -> n.getOpType().equals("Erf")
                ? n.toBuilder().setOpType("Tanh").build() : n);

        assertThatThrownBy(() -> BertGraphReader.read(tanh))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("layer 0: FFN activation must be erf-GELU");
    }

    @Test
    void shouldRefuseOffsetPositionIds() {
        ModelProto model = TestModels.originalProto();
        ModelProto.Builder b = model.toBuilder();
        for (int i = 0; i < b.getGraph().getInitializerCount(); i++) {
            TensorProto t = b.getGraph().getInitializer(i);
            if (t.getDataType() == TensorProto.DataType.INT64_VALUE && t.getDimsCount() == 2) {
                ByteBuffer raw = ByteBuffer.allocate(t.getRawData().size()).order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer src = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                while (src.hasRemaining()) {
                    raw.putLong(src.getLong() + 2); // RoBERTa-style: positions start after the padding index
                }
                b.getGraphBuilder().setInitializer(i, t.toBuilder().setRawData(ByteString.copyFrom(raw.array())));
            }
        }

        assertThatThrownBy(() -> BertGraphReader.read(b.build()))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("position ids must count 0, 1, 2");
    }

    @Test
    void shouldRefuseAGraphWithoutWordEmbeddings() {
        ModelProto noGather = mapNodes(TestModels.originalProto(), n -> n.getOpType().equals("Gather")
                && n.getName().contains("embeddings/") ? n.toBuilder().setOpType("Identity").build() : n);

        assertThatThrownBy(() -> BertGraphReader.read(noGather))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("expected a word-embedding Gather");
    }

    private static ModelProto mapNodes(ModelProto model, UnaryOperator<NodeProto> change) {
        ModelProto.Builder b = model.toBuilder();
        for (int i = 0; i < b.getGraph().getNodeCount(); i++) {
            b.getGraphBuilder().setNode(i, change.apply(b.getGraph().getNode(i)));
        }
        return b.build();
    }
}
