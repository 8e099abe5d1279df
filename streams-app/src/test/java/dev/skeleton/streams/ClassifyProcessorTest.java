package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.streams.serde.ParsedRequest;
import dev.skeleton.streams.serde.RequestParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * The classify processor alone, on Kafka's {@link MockProcessorContext}: no internal Kafka Streams API is needed
 * to run it (only {@link DeferredForwarder} and {@link PreCommitHook} know that API).
 */
class ClassifyProcessorTest {

    /** Runs each batch at once on the caller's thread. */
    private static final InferenceWorkers SAME_THREAD = new InferenceWorkers() {
        @Override
        public void execute(Runnable job, Consumer<Throwable> rejected) {
            job.run();
        }

        @Override
        public void close() {}
    };

    @Test
    void shouldLabelARequestAndDeadLetterAnUnparseableOneInInputOrderByTheCommit() {
        // Given the processor on a mock context, with its pre-commit hook store
        MockProcessorContext<byte[], Routed> context = new MockProcessorContext<>();
        PreCommitHook hook = new PreCommitHook(ClassifyProcessor.COMMIT_HOOK_STORE);
        hook.init(context.getStateStoreContext(), hook);
        context.addStateStore(hook);
        ClassifyProcessor processor = new ClassifyProcessor(new StubClassifier(Map.of("sst2", 1L), List.of()),
                new TaskResolver(Map.of()), 1_000, new OutputLimits(256, 16_384, 1_024, 16_384, 524_288),
                new BatchSettings(4, Duration.ofSeconds(10), 16), SAME_THREAD, ServiceMetrics.inMemory());
        processor.init(context);

        // When a good request and a garbage value arrive (a batch of 4 that waits 10 s: neither is labeled yet)
        context.setRecordMetadata("skeleton.requests", 0, 7);
        processor.process(record("a", "{\"id\": \"a\", \"task\": \"sst2\", \"text\": \"a good movie\"}"));
        context.setRecordMetadata("skeleton.requests", 0, 8);
        processor.process(record("b", "not a request"));

        // Then nothing leaves before the commit, and the commit's hook forwards both, in input order
        assertThat(context.forwarded()).isEmpty();
        hook.flushCache();
        List<CapturedForward<? extends byte[], ? extends Routed>> out = context.forwarded();
        assertThat(out).hasSize(2);
        assertThat(out.get(0).record().value()).isInstanceOfSatisfying(Routed.Output.class,
                labeled -> assertThat(labeled.result().getLabel()).isEqualTo("positive"));
        assertThat(out.get(1).record().value()).isInstanceOf(Routed.DeadLetter.class);
        assertThat(new String(out.get(1).record().headers().lastHeader(DeadLetters.KIND_HEADER).value(),
                StandardCharsets.UTF_8)).isEqualTo("UNPARSEABLE");
    }

    private static Record<byte[], ParsedRequest> record(String key, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return new Record<>(key.getBytes(StandardCharsets.UTF_8), RequestParser.parse(bytes), 0L);
    }
}
