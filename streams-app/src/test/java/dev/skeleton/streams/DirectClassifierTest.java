package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.engine.runtime.Classification;
import dev.skeleton.engine.text.TextInput;
import dev.skeleton.streams.classify.TaskClassifier;
import dev.skeleton.streams.classify.TaskClassifier.Labeled;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class DirectClassifierTest {

    @Test
    void shouldBatchRequestsThatArriveTogetherAndRefuseBeyondCapacity() throws Exception {
        // Given a classifier that holds its first batch until released, and room for 4 waiting requests
        CountDownLatch release = new CountDownLatch(1);
        TaskClassifier classifier = heldUntil(release);
        try (VertxInferenceWorkers workers = VertxInferenceWorkers.standalone(1);
                DirectClassifier direct = new DirectClassifier(new BatchSettings(4, Duration.ofMillis(20), 4),
                        classifier, workers, MicroBatcher.BatchObserver.NONE)) {
            // When 4 requests come at once and a fifth while they wait
            List<CompletableFuture<BatchResult>> first = List.of("a", "b", "c", "d").stream()
                    .map(t -> direct.classify("sst2", TextInput.of(t))).toList();
            CompletableFuture<BatchResult> fifth = direct.classify("sst2", TextInput.of("e"));

            // Then the fifth is refused at once, saying why
            assertThat(fifth).isCompletedExceptionally();
            assertThatCause(fifth).isInstanceOf(RejectedExecutionException.class);

            // and the four are answered, in one batch, once the model is done
            release.countDown();
            for (CompletableFuture<BatchResult> f : first) {
                BatchResult r = f.get(10, TimeUnit.SECONDS);
                assertThat(r.batchSize()).isEqualTo(4);
            }
            assertThat(((Labeled) first.get(2).get().outcome()).classification().label()).isEqualTo("c");

            // and there is room again
            assertThat(direct.classify("sst2", TextInput.of("f")).get(10, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
        }
    }

    @Test
    void shouldRefuseARequestWhoseTextWouldPassTheByteBoundWhileOthersWait() throws Exception {
        // Given a classifier that holds its first batch, and room for 100 requests but 1,024 bytes of text
        CountDownLatch release = new CountDownLatch(1);
        TaskClassifier classifier = heldUntil(release);
        try (VertxInferenceWorkers workers = VertxInferenceWorkers.standalone(1);
                DirectClassifier direct = new DirectClassifier(new BatchSettings(4, Duration.ofMillis(20), 100, 1_024),
                        classifier, workers, MicroBatcher.BatchObserver.NONE)) {
            // When a 300-character text waits and a 300-character one more comes (600 + 600 bytes > 1,024)
            CompletableFuture<BatchResult> first = direct.classify("sst2", TextInput.of("a".repeat(300)));
            CompletableFuture<BatchResult> second = direct.classify("sst2", TextInput.of("b".repeat(300)));

            // Then the second is refused at once, naming the bound
            assertThatCause(second).isInstanceOf(RejectedExecutionException.class)
                    .hasMessageContaining("batch.queue.max.bytes=1024");

            // and once the first is answered, a text larger than the whole bound is still taken alone
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
            assertThat(direct.classify("sst2", TextInput.of("c".repeat(2_000))).get(10, TimeUnit.SECONDS)
                    .batchSize()).isEqualTo(1);
        }
    }

    @Test
    void shouldLeaveTheOtherWorkersToTheStreamHoweverHeavyTheHttpLoad() throws Exception {
        // Given 2 shared workers, POST /classify limited to 1 of them, and a model that holds HTTP batches
        CountDownLatch release = new CountDownLatch(1);
        TaskClassifier classifier = heldUntil(release);
        try (VertxInferenceWorkers workers = VertxInferenceWorkers.standalone(2);
                DirectClassifier direct = new DirectClassifier(new BatchSettings(1, Duration.ofMillis(1), 100),
                        classifier, new WorkerShare(workers, 1), MicroBatcher.BatchObserver.NONE)) {
            // When 20 HTTP requests come, each a batch of its own
            List<CompletableFuture<BatchResult>> flood = IntStream.range(0, 20)
                    .mapToObj(i -> direct.classify("sst2", TextInput.of("t" + i))).toList();
            Thread.sleep(200); // time for the HTTP batcher to hand over all it may

            // Then a stream batch still finds an idle worker and runs at once
            assertThat(workers.idle()).as("workers left to the stream").isEqualTo(1);
            CountDownLatch streamRan = new CountDownLatch(1);
            workers.execute(streamRan::countDown, e -> { });
            assertThat(streamRan.await(5, TimeUnit.SECONDS)).as("the stream's batch ran while HTTP waits").isTrue();

            // and every HTTP request is answered once the model is free
            release.countDown();
            for (CompletableFuture<BatchResult> f : flood) {
                assertThat(f.get(10, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
            }
        }
    }

    /** Labels every input with its own text, once {@code release} opens. */
    private static TaskClassifier heldUntil(CountDownLatch release) {
        return (task, inputs) -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            float[] p = {1f};
            return inputs.stream().map(i -> (TaskClassifier.Outcome) new Labeled(
                    new Classification(i.text(), List.of("x"), p, p), 7, "base", "fp", 1)).toList();
        };
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertThatCause(
            CompletableFuture<?> future) {
        try {
            future.get();
            throw new AssertionError("expected a failed future");
        } catch (ExecutionException e) {
            return assertThat(e.getCause());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
