package dev.skeleton.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.skeleton.avro.ClassifierHead;
import dev.skeleton.avro.InputKind;
import dev.skeleton.avro.InputTemplate;
import dev.skeleton.avro.Pooling;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.TestModels;
import dev.skeleton.engine.graph.Precision;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.model.EncoderLayer;
import dev.skeleton.engine.model.EncoderWeights;
import dev.skeleton.engine.model.FloatTensor;
import dev.skeleton.engine.skeleton.InvalidSkeletonException;
import dev.skeleton.engine.skeleton.Matrices;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import dev.skeleton.engine.text.EncodedBatch;
import dev.skeleton.engine.text.TaskTokenizer;
import dev.skeleton.engine.text.TextInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.Assertions;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The skeleton engine on the real base model and real ONNX Runtime. */
class SkeletonEngineTest {

    private static final List<TextInput> SENTENCES = List.of(
            TextInput.of("it 's a charming and often affecting journey ."),
            TextInput.of("unflinchingly bleak and desperate"),
            TextInput.of("the acting , costumes , music , cinematography and sound are all astounding given the "
                    + "production 's austere locales ."),
            TextInput.of("ok"));

    private static BaseModel base;
    private static SkeletonEngine engine;

    @BeforeAll
    static void loadEngine() {
        base = TestModels.base();
        engine = new SkeletonEngine(base, EngineConfig.defaults().withThreads(2));
    }

    @AfterAll
    static void closeEngine() {
        engine.close();
    }

    @Test
    void shouldReproduceTheBaseModelsPooledOutputWithEmptyPromptAndEveryNeuron() throws Exception {
        // Given a skeleton with no prompt that keeps every neuron and head
        TaskSkeleton identity = SyntheticSkeletons.random(base, "identity", 0, 1.0, 1.0, 7);

        // When it runs a batch, and the original ONNX export runs each sentence alone
        float[][] pooled;
        try (TaskModel task = engine.load(identity)) {
            pooled = task.forward(SENTENCES).pooled();
        }
        TaskTokenizer tokenizer = new TaskTokenizer(base.tokenizerJson(), identity.getInput(), 0);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession original = env.createSession(TestModels.originalOnnx(), new OrtSession.SessionOptions())) {
            for (int i = 0; i < SENTENCES.size(); i++) {
                EncodedBatch one = tokenizer.encode(List.of(SENTENCES.get(i)));
                float[] expected = meanPool(original, env, one);

                // Then the pooled vectors agree
                assertThat(maxAbsDiff(pooled[i], expected))
                        .as("max |skeleton - original| of mean-pooled output, sentence %d", i)
                        .isLessThanOrEqualTo(1e-4f);
            }
        } finally {
            tokenizer.close();
        }
    }

    @Test
    void shouldGiveTheSameProbabilitiesWithSingleThreadedSessionsAsOnThePool() {
        // Given one skeleton on the pool of 2 threads and on single-threaded sessions (engine.threads=1)
        TaskSkeleton skeleton = SyntheticSkeletons.random(base, "threads", 4, 0.3, 1.0, 11);
        try (SkeletonEngine single = new SkeletonEngine(base, EngineConfig.defaults().withThreads(1));
                TaskModel onPool = engine.load(skeleton);
                TaskModel alone = single.load(skeleton)) {
            // When both label the same batch
            List<Classification> a = onPool.classify(SENTENCES);
            List<Classification> b = alone.classify(SENTENCES);

            // Then they agree (only the order of float sums may differ)
            for (int i = 0; i < SENTENCES.size(); i++) {
                assertThat(b.get(i).label()).isEqualTo(a.get(i).label());
                assertThat(maxAbsDiff(b.get(i).probabilities(), a.get(i).probabilities())).isLessThan(1e-5f);
            }
        }
    }

    private static float[] meanPool(OrtSession original, OrtEnvironment env, EncodedBatch one) throws Exception {
        try (OnnxTensor ids = OnnxTensor.createTensor(env, one.inputIds());
                OnnxTensor mask = OnnxTensor.createTensor(env, one.attentionMask());
                OnnxTensor types = OnnxTensor.createTensor(env, one.tokenTypeIds());
                OrtSession.Result r = original.run(Map.of(
                        "input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
            float[][] states = ((float[][][]) r.get(0).getValue())[0];
            float[] sum = new float[states[0].length];
            for (float[] token : states) {
                for (int j = 0; j < sum.length; j++) {
                    sum[j] += token[j] / states.length;
                }
            }
            return sum;
        }
    }

    @Test
    void shouldMatchTheFullModelWithTheSameNeuronsAndHeadsMaskedToZero() {
        // Given a sliced skeleton: 20-token prompt, 30% of FFN neurons, 9 of 12 heads per layer
        TaskSkeleton sliced = SyntheticSkeletons.random(base, "sliced", 20, 0.3, 0.75, 11);
        // and the same prompt and head on the full-width model whose removed neurons and heads are zeroed
        BaseModel masked = base.withWeightsKeepingFingerprint(zeroRemoved(base.weights(), sliced));
        TaskSkeleton full = TaskSkeleton.newBuilder(sliced).setFfnKept(null).setHeadsKept(null).build();

        // When both classify the same batch
        float[][] slicedLogits;
        float[][] maskedLogits;
        try (TaskModel task = engine.load(sliced)) {
            slicedLogits = task.forward(SENTENCES).logits();
            assertThat(task.ownedBytes()).as("sliced task owns its kept weights only")
                    .isLessThan(base.weights().sizeInBytes() / 2);
        }
        try (SkeletonEngine maskedEngine = new SkeletonEngine(masked, EngineConfig.defaults().withThreads(2));
                TaskModel task = maskedEngine.load(full)) {
            maskedLogits = task.forward(SENTENCES).logits();
        }

        // Then the logits agree
        for (int i = 0; i < SENTENCES.size(); i++) {
            assertThat(maxAbsDiff(slicedLogits[i], maskedLogits[i]))
                    .as("max |sliced - masked| logits, sentence %d", i)
                    .isLessThanOrEqualTo(1e-4f);
        }
    }

    /** Zeroes the FFN down-projection rows of removed neurons and the output-projection rows of removed heads. */
    private static EncoderWeights zeroRemoved(EncoderWeights w, TaskSkeleton s) {
        List<EncoderLayer> layers = new ArrayList<>();
        int headSize = w.headSize();
        for (int i = 0; i < w.layers().size(); i++) {
            EncoderLayer l = w.layers().get(i);
            float[] ffnOut = l.ffnOut().data().clone();
            Set<Integer> keptNeurons = new HashSet<>(s.getFfnKept().get(i));
            for (int j = 0; j < l.intermediateSize(); j++) {
                if (!keptNeurons.contains(j)) {
                    Arrays.fill(ffnOut, j * w.hiddenSize(), (j + 1) * w.hiddenSize(), 0f);
                }
            }
            float[] attnOut = l.attentionOut().data().clone();
            Set<Integer> keptHeads = new HashSet<>(s.getHeadsKept().get(i));
            for (int h = 0; h < w.numHeads(); h++) {
                if (!keptHeads.contains(h)) {
                    Arrays.fill(attnOut, h * headSize * w.hiddenSize(), (h + 1) * headSize * w.hiddenSize(), 0f);
                }
            }
            layers.add(new EncoderLayer(l.query(), l.queryBias(), l.key(), l.keyBias(), l.value(), l.valueBias(),
                    new FloatTensor(l.attentionOut().shape(), attnOut), l.attentionOutBias(), l.attentionNorm(),
                    l.ffnIn(), l.ffnInBias(), new FloatTensor(l.ffnOut().shape(), ffnOut), l.ffnOutBias(),
                            l.ffnNorm()));
        }
        return new EncoderWeights(w.wordEmbeddings(), w.positionEmbeddings(), w.tokenTypeEmbeddings(),
                w.embeddingNorm(), layers, w.numHeads());
    }

    @Test
    void shouldGiveTheSameResultsInABatchAsOneAtATime() {
        // Given a sliced skeleton with a prompt and texts of very different lengths
        try (TaskModel task = engine.load(SyntheticSkeletons.random(base, "padding", 20, 0.5, 1.0, 3))) {
            // When they run as one padded batch and one by one
            float[][] batched = task.forward(SENTENCES).logits();

            // Then padding never leaks into the results
            for (int i = 0; i < SENTENCES.size(); i++) {
                float[] alone = task.forward(List.of(SENTENCES.get(i))).logits()[0];
                assertThat(maxAbsDiff(batched[i], alone)).as("max |batched - alone| logits, sentence %d", i)
                        .isLessThanOrEqualTo(1e-4f);
            }
        }
    }

    @Test
    void shouldClassifyTextPairsWithClsPooling() {
        // Given a pair task with CLS pooling
        TaskSkeleton pair = TaskSkeleton.newBuilder(SyntheticSkeletons.random(base, "pair", 10, 0.3, 1.0, 5))
                .setInput(InputTemplate.newBuilder().setKind(InputKind.PAIR).build())
                .setPooling(Pooling.CLS)
                .build();

        try (TaskModel task = engine.load(pair)) {
            // When it classifies two pairs
            List<Classification> out = task.classify(List.of(
                    TextInput.pair("A man is playing a guitar.", "A person plays music."),
                    TextInput.pair("The cat sat.", "Stock markets fell sharply on Monday after the announcement.")));

            // Then each gets a label and probabilities that sum to one
            assertThat(out).hasSize(2);
            for (Classification c : out) {
                assertThat(c.labels()).contains(c.label());
                assertThat(c.probabilities()[0] + c.probabilities()[1]).isCloseTo(1f, Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void shouldClassifyASiamesePairFromEachTextEncodedAlone() {
        // Given a SIAMESE pair task, and the same skeleton as a single-text task
        TaskSkeleton single = SyntheticSkeletons.random(base, "siamese", 10, 0.3, 0.75, 6);
        List<TextInput> pairs = List.of(
                TextInput.pair("A man is playing a guitar.", "A person plays music."),
                TextInput.pair("The cat sat.", "Stock markets fell sharply on Monday after the announcement."),
                TextInput.pair("the acting , costumes , music , cinematography and sound are all astounding .", "ok"));

        try (TaskModel siamese = engine.load(SyntheticSkeletons.siamese(single, 7));
                TaskModel alone = engine.load(single)) {
            // When the pairs run as one batch
            float[][] features = siamese.forward(pairs).pooled();

            // Then the head reads [u, v, |u - v|, u * v] of each text's pooled vector as if it ran alone
            for (int i = 0; i < pairs.size(); i++) {
                float[] u = alone.forward(List.of(TextInput.of(pairs.get(i).text()))).pooled()[0];
                float[] v = alone.forward(List.of(TextInput.of(pairs.get(i).pair()))).pooled()[0];
                float[] expected = new float[4 * u.length];
                for (int j = 0; j < u.length; j++) {
                    expected[j] = u[j];
                    expected[u.length + j] = v[j];
                    expected[2 * u.length + j] = Math.abs(u[j] - v[j]);
                    expected[3 * u.length + j] = u[j] * v[j];
                }
                assertThat(maxAbsDiff(features[i], expected)).as("max |served - expected| feature, pair %d", i)
                        .isLessThanOrEqualTo(1e-4f);
            }
            assertThatThrownBy(() -> siamese.forward(List.of(TextInput.of("no second text"))))
                    .hasMessageContaining("an input has no text pair");
        }
    }

    @Test
    void shouldNotPadTheShortTextOfASiamesePairToItsLongPair() {
        // Given eight pairs of a short question and a long answer
        TaskSkeleton single = SyntheticSkeletons.random(base, "siamese-padding", 10, 0.3, 1.0, 8);
        String question = "Who wrote it?";
        String answer = "The novel was written over six years by a retired schoolteacher who lived near the coast.";
        List<TextInput> pairs = Collections.nCopies(8, TextInput.pair(question, answer));

        try (TaskModel siamese = engine.load(SyntheticSkeletons.siamese(single, 9));
                TaskModel alone = engine.load(single)) {
            // Then the encoder computes each text at its own length: as many tokens as the questions and the answers
            // run as single texts, not sixteen answers' worth
            long apart = alone.paddedTokens(Collections.nCopies(8, TextInput.of(question)))
                    + alone.paddedTokens(Collections.nCopies(8, TextInput.of(answer)));
            assertThat(siamese.paddedTokens(pairs)).isEqualTo(apart)
                    .isLessThan(alone.paddedTokens(Collections.nCopies(16, TextInput.of(answer))));
            assertThat(siamese.classify(pairs)).hasSize(8).allSatisfy(c -> {
                double sum = 0;
                for (float p : c.probabilities()) {
                    sum += p;
                }
                assertThat(sum).as("probabilities' sum").isCloseTo(1.0, Offset.offset(1e-5));
            });
        }
    }

    @Test
    void shouldFallBackToCpuWhenCudaIsUnavailable() {
        try (SkeletonEngine cuda = new SkeletonEngine(base, EngineConfig.defaults().withThreads(2)
                .withDevice(Device.CUDA));
                TaskModel task = cuda.load(SyntheticSkeletons.random(base, "gpu", 5, 0.5, 1.0, 9))) {
            assertThat(task.classify(List.of(TextInput.of("fine")))).hasSize(1);
            // the CPU build has no CUDA provider; on a GPU build with a GPU this reports CUDA
            assertThat(task.device()).isIn(Device.CPU, Device.CUDA);
            if (!System.getProperty("skeleton.test.gpu", "false").equals("true")) {
                assertThat(task.device()).as("device without -Dskeleton.test.gpu=true").isEqualTo(Device.CPU);
            }
        }
    }

    @Test
    void shouldShareBaseWeightsBetweenTasks() {
        try (TaskModel a = engine.load(SyntheticSkeletons.random(base, "share-a", 20, 0.3, 1.0, 1))) {
            long afterOne = engine.sharedBytes();
            try (TaskModel b = engine.load(SyntheticSkeletons.random(base, "share-b", 20, 0.3, 1.0, 2))) {
                assertThat(engine.sharedBytes()).as("shared native bytes after a second task").isEqualTo(afterOne);
                // all heads kept: the attention matrices are the base's, shared; the task owns its FFN slice,
                // prompt and head, and nothing else
                assertThat(b.ownedBytes()).as("task-owned bytes").isEqualTo(ffnPromptAndHeadBytes(b.skeleton()));
            }
        }
    }

    private long ffnPromptAndHeadBytes(TaskSkeleton skeleton) {
        int hidden = base.weights().hiddenSize();
        long floats = 0;
        for (List<Integer> kept : skeleton.getFfnKept()) {
            floats += 2L * hidden * kept.size() + kept.size();
        }
        floats += (long) skeleton.getPrompt().getRows() * hidden;
        floats += (long) skeleton.getHead().getBias().size() * (hidden + 1);
        return 4 * floats;
    }

    @Test
    void shouldGiveTheSameOutputsWithoutPrepackedWeights() {
        // Given one pruned skeleton on an engine that pre-packs weights and on one that shares them unpacked
        TaskSkeleton skeleton = SyntheticSkeletons.random(base, "unpacked", 20, 0.3, 0.75, 14);
        try (SkeletonEngine unpacked = new SkeletonEngine(base, EngineConfig.defaults().withThreads(2)
                        .withPrepackWeights(false));
                TaskModel packedTask = engine.load(skeleton);
                TaskModel unpackedTask = unpacked.load(skeleton)) {
            // When both classify the same sentences, then the logits agree to float rounding
            float[][] a = packedTask.forward(SENTENCES).logits();
            float[][] b = unpackedTask.forward(SENTENCES).logits();
            for (int i = 0; i < a.length; i++) {
                assertThat(maxAbsDiff(a[i], b[i])).as("sentence %d", i).isLessThan(1e-4f);
            }
        }
    }

    @Test
    void shouldStayUsableAfterWarmingUp() {
        try (SkeletonEngine fresh = new SkeletonEngine(base, EngineConfig.defaults().withThreads(2))) {
            fresh.warmUp();
            try (TaskModel task = fresh.load(SyntheticSkeletons.random(base, "after-warm-up", 20, 0.3, 1.0, 3))) {
                assertThat(task.classify(SENTENCES)).hasSameSizeAs(SENTENCES);
            }
        }
    }

    @Test
    void shouldRefuseToRunAClosedTask() {
        TaskModel task = engine.load(SyntheticSkeletons.random(base, "closed", 2, 0.5, 1.0, 4));
        task.close();

        Assertions.assertThatThrownBy(() -> task.classify(List.of(TextInput.of("late"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("task 'closed' v1 is closed (retired or replaced)");
    }

    @Test
    void shouldRefuseASkeletonWhoseFiniteWeightsOverflowOnRealSentences() {
        // Given a head whose weights are finite but near Float.MAX_VALUE: it passes the validator's checks
        TaskSkeleton skeleton = SyntheticSkeletons.random(base, "overflow", 2, 0.5, 1.0, 6);
        FloatTensor head = Matrices.toTensor(skeleton.getHead().getWeight());
        float[] huge = new float[head.rows() * head.cols()];
        Arrays.fill(huge, 3e38f);
        TaskSkeleton overflowing = TaskSkeleton.newBuilder(skeleton).setHead(new ClassifierHead(
                Matrices.toAvro(new FloatTensor(new int[] {head.rows(), head.cols()}, huge)),
                skeleton.getHead().getBias())).build();

        // When it loads, then the warm-up refuses it, saying why
        Assertions.assertThatThrownBy(() -> engine.load(overflowing))
                .isInstanceOf(InvalidSkeletonException.class)
                .hasMessageContaining("'overflow' v1").hasMessageContaining("not finite")
                .hasMessageContaining("warm-up sentence");
    }

    @Test
    void shouldGiveNearlyTheSamePooledOutputsInInt8AsInFp32() {
        // Given one pruned skeleton (heads and neurons) with a deep prompt, on an fp32 and an int8 engine
        TaskSkeleton skeleton = SyntheticSkeletons.withDeepPrompt(
                SyntheticSkeletons.random(base, "int8", 10, 0.3, 0.5, 12), base.weights().layers().size(), 13);
        try (SkeletonEngine int8Engine = new SkeletonEngine(base, EngineConfig.defaults().withThreads(2)
                        .withPrecision(Precision.INT8));
                TaskModel fp32 = engine.load(skeleton);
                TaskModel int8 = int8Engine.load(skeleton)) {
            // When both run the same sentences
            float[][] a = fp32.forward(SENTENCES).pooled();
            float[][] b = int8.forward(SENTENCES).pooled();

            // Then every pooled vector points the same way (cosine > 0.99), and int8 owns under a third the bytes
            for (int i = 0; i < a.length; i++) {
                assertThat(cosine(a[i], b[i])).as("cosine of sentence %d", i).isGreaterThan(0.99);
            }
            assertThat(int8.ownedBytes()).isLessThan(fp32.ownedBytes() / 3);
        }
    }

    @Test
    void shouldShareTheInt8MatricesOfUnprunedLayers() {
        // Given a skeleton that keeps every head and neuron: all its int8 matrices are the engine's shared ones
        TaskSkeleton whole = SyntheticSkeletons.random(base, "int8-whole", 10, 1.0, 1.0, 15);
        try (SkeletonEngine int8Engine = new SkeletonEngine(base, EngineConfig.defaults().withThreads(2)
                        .withPrecision(Precision.INT8));
                TaskModel fp32 = engine.load(whole);
                TaskModel int8 = int8Engine.load(whole)) {
            // When both run the same sentences, then the outputs agree (less closely than for a pruned skeleton: every
            // matrix of every layer is quantized; 0.987 seen), and the task owns only its prompt and head
            float[][] a = fp32.forward(SENTENCES).pooled();
            float[][] b = int8.forward(SENTENCES).pooled();
            for (int i = 0; i < a.length; i++) {
                assertThat(cosine(a[i], b[i])).as("cosine of sentence %d", i).isGreaterThan(0.98);
            }
            int hidden = base.weights().hiddenSize();
            int labels = whole.getHead().getBias().size();
            assertThat(int8.ownedBytes()).isEqualTo(4L * (10 * hidden + labels * (hidden + 1)));
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static float maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
