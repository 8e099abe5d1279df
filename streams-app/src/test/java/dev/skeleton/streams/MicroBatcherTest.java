package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skeleton.engine.runtime.Classification;
import dev.skeleton.engine.text.TextInput;
import dev.skeleton.streams.classify.DeadLetterKind;
import dev.skeleton.streams.classify.TaskClassifier;
import dev.skeleton.streams.classify.TaskClassifier.Labeled;
import dev.skeleton.streams.classify.TaskClassifier.Outcome;
import dev.skeleton.streams.classify.TaskClassifier.Refused;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batcher alone: size and delay triggers, order, flush, back-pressure and failures, with hand-driven workers. */
class MicroBatcherTest {

    private final AtomicLong clock = new AtomicLong();
    private final ManualWorkers workers = new ManualWorkers();
    private final RecordingClassifier classifier = new RecordingClassifier();
    /** What the sink received, in order: "id:label:batchSize". */
    private final List<String> out = Collections.synchronizedList(new ArrayList<>());
    private ExecutorService pool;

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRunBatchAsSoonAsItReachesMaxSize() {
        // Given batches of at most 3 and a delay that never passes
        MicroBatcher<String> batcher = batcher(3, Duration.ofHours(1), 10);

        // When 3 requests of one task are added
        batcher.add("a", "sst2", TextInput.of("a"));
        batcher.add("b", "sst2", TextInput.of("b"));
        assertThat(workers.jobs).as("2 of 3: still filling").isEmpty();
        batcher.add("c", "sst2", TextInput.of("c"));

        // Then one batch of 3 runs, and its results leave in order, each naming the batch size
        assertThat(workers.jobs).hasSize(1);
        workers.runAll();
        batcher.poll();
        assertThat(classifier.batches).containsExactly("sst2:[a, b, c]");
        assertThat(out).containsExactly("a:label-a:3", "b:label-b:3", "c:label-c:3");
        assertThat(batcher.size()).isZero();
    }

    @Test
    void shouldRunPartialBatchOnceItsFirstRequestWaitedMaxDelay() {
        MicroBatcher<String> batcher = batcher(32, Duration.ofMillis(10), 64);
        batcher.add("a", "sst2", TextInput.of("a"));
        clock.addAndGet(Duration.ofMillis(6).toNanos());
        batcher.add("b", "sst2", TextInput.of("b"));

        // When polled just before the first request's delay has passed, nothing runs
        clock.addAndGet(Duration.ofMillis(3).toNanos());
        batcher.poll();
        assertThat(workers.jobs).as("9 ms after the first request").isEmpty();

        // Then once it has passed, the partial batch runs
        clock.addAndGet(Duration.ofMillis(1).toNanos());
        batcher.poll();
        assertThat(workers.jobs).hasSize(1);
        workers.runAll();
        batcher.poll();
        assertThat(out).containsExactly("a:label-a:2", "b:label-b:2");
    }

    @Test
    void shouldReportTimeFromAddToBatchStartAsQueueTime() {
        List<BatchResult> results = new ArrayList<>();
        MicroBatcher<String> batcher = new MicroBatcher<>(new BatchSettings(2, Duration.ofHours(1), 4), classifier,
                workers, (id, r) -> results.add(r), clock::get);
        batcher.add("a", "sst2", TextInput.of("a"));
        clock.addAndGet(Duration.ofMillis(7).toNanos());
        batcher.add("b", "sst2", TextInput.of("b"));

        workers.runAll();
        batcher.poll();

        assertThat(results).extracting(BatchResult::queueMs).containsExactly(7.0, 0.0);
    }

    @Test
    void shouldBatchEachTaskSeparately() {
        MicroBatcher<String> batcher = batcher(2, Duration.ofHours(1), 10);

        batcher.add("a", "sst2", TextInput.of("a"));
        batcher.add("b", "mrpc", TextInput.of("b"));
        batcher.add("c", "sst2", TextInput.of("c"));
        workers.runAll();

        assertThat(classifier.batches).as("sst2 full, mrpc still filling").containsExactly("sst2:[a, c]");
    }

    @Test
    void shouldForwardInInputOrderWhenLaterBatchFinishesFirst() {
        // Given a (sst2) then b (mrpc), each in its own batch, both running
        MicroBatcher<String> batcher = batcher(1, Duration.ofHours(1), 10);
        batcher.add("a", "sst2", TextInput.of("a"));
        batcher.add("b", "mrpc", TextInput.of("b"));

        // When b's batch finishes first
        workers.runLast();
        batcher.poll();

        // Then b waits for a, and both leave in input order once a is done
        assertThat(out).as("b is ready, a is not").isEmpty();
        workers.runAll();
        batcher.poll();
        assertThat(out).containsExactly("a:label-a:1", "b:label-b:1");
    }

    @Test
    void shouldKeepRequestsDecidedBeforeInferenceInTheirPlace() {
        MicroBatcher<String> batcher = batcher(2, Duration.ofHours(1), 10);
        batcher.add("a", "sst2", TextInput.of("a"));
        batcher.addDecided("dead", new Refused(DeadLetterKind.EMPTY_TEXT, "empty"), 10);
        batcher.add("b", "sst2", TextInput.of("b"));

        batcher.poll();
        assertThat(out).as("the dead letter waits behind a").isEmpty();
        workers.runAll();
        batcher.poll();

        assertThat(out).containsExactly("a:label-a:2", "dead:EMPTY_TEXT:0", "b:label-b:2");
    }

    @Test
    void shouldRunEveryOpenBatchAndForwardEveryResultOnFlush() {
        // Given real worker threads and batches that would wait an hour to fill
        pool = Executors.newFixedThreadPool(2);
        MicroBatcher<String> batcher = new MicroBatcher<String>(new BatchSettings(32, Duration.ofHours(1), 64),
                classifier,
                workers((job, rejected) -> pool.execute(job)), (id, r) -> out.add(id), System::nanoTime);
        for (int i = 0; i < 20; i++) {
            batcher.add("r" + i, i % 3 == 0 ? "mrpc" : "sst2", TextInput.of("r" + i));
        }

        // When flushed (as before a commit)
        batcher.flush();

        // Then nothing is held and every result has left, in input order
        assertThat(batcher.size()).isZero();
        assertThat(out).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(out.get(i)).isEqualTo("r" + i);
        }
    }

    @Test
    void shouldBlockAddWhenFullUntilResultsLeaveInsteadOfGrowing() throws Exception {
        // Given a batcher that holds at most 4 requests, full, with workers that have not run anything yet
        MicroBatcher<String> batcher = batcher(2, Duration.ofHours(1), 4);
        for (String id : List.of("a", "b", "c", "d")) {
            batcher.add(id, "sst2", TextInput.of(id));
        }

        // When a fifth request is added from the "stream thread"
        Thread streamThread = new Thread(() -> batcher.add("e", "sst2", TextInput.of("e")), "stream-thread");
        streamThread.start();

        // Then that thread waits, holding no more than 4
        awaitWaiting(streamThread);
        assertThat(batcher.size()).isEqualTo(4);
        assertThat(out).isEmpty();

        // and it goes on as soon as the workers produce results and the first ones have left
        workers.runAll();
        streamThread.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(streamThread.isAlive()).as("add returned").isFalse();
        assertThat(out).as("results left before e was taken").startsWith("a:label-a:2", "b:label-b:2");
        batcher.poll();
        assertThat(out).containsExactly("a:label-a:2", "b:label-b:2", "c:label-c:2", "d:label-d:2");
        assertThat(batcher.size()).as("e held").isEqualTo(1);
    }

    @Test
    void shouldBlockAddWhenTheHeldBytesWouldPassTheBoundButAlwaysTakeOneRequest() throws Exception {
        // Given a batcher that holds up to 100 requests but 100 bytes of them, holding one of 60 bytes
        MicroBatcher<String> batcher = new MicroBatcher<>(new BatchSettings(1, Duration.ofHours(1), 100, 100),
                classifier, workers, this::record, clock::get);
        batcher.add("a", "sst2", TextInput.of("a"), 60);

        // When a second of 60 bytes is added from the "stream thread"
        Thread streamThread = new Thread(() -> batcher.add("b", "sst2", TextInput.of("b"), 60), "stream-thread");
        streamThread.start();

        // Then it waits until the first one has left
        awaitWaiting(streamThread);
        assertThat(batcher.bytes()).isEqualTo(60);
        workers.runAll();
        streamThread.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(streamThread.isAlive()).as("add returned").isFalse();
        assertThat(out).containsExactly("a:label-a:1");
        assertThat(batcher.bytes()).isEqualTo(60);

        // and a request larger than the whole bound is still taken once nothing else is held
        workers.runAll();
        batcher.flush();
        batcher.add("huge", "sst2", TextInput.of("huge"), 1_000);
        assertThat(batcher.size()).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterABatchWithNoResultWithinTheInferenceTimeoutAndDropTheLateResult() {
        // Given a timeout of 5 s and a batch of 2 handed to workers that do not run it
        MicroBatcher<String> batcher = new MicroBatcher<>(new BatchSettings(2, Duration.ofHours(1), 10, 1_000_000,
                Duration.ofSeconds(5)), classifier, workers, this::record, clock::get);
        batcher.add("a", "sst2", TextInput.of("a"));
        batcher.add("b", "sst2", TextInput.of("b"));
        clock.addAndGet(Duration.ofSeconds(4).toNanos());
        batcher.poll();
        assertThat(out).as("not overdue yet").isEmpty();

        // When 6 s have passed since it was handed over
        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        batcher.poll();

        // Then its requests leave as dead letters, and nothing is held
        assertThat(out).containsExactly("a:INFERENCE_TIMEOUT:2", "b:INFERENCE_TIMEOUT:2");
        assertThat(batcher.size()).isZero();

        // and when the stuck model answers at last, nothing leaves twice
        workers.runAll();
        batcher.flush();
        assertThat(out).containsExactly("a:INFERENCE_TIMEOUT:2", "b:INFERENCE_TIMEOUT:2");
    }

    @Test
    void shouldHoldDueBatchWhileNoWorkerIsIdleSoThatItGrows() {
        // Given a batcher with a 5 ms delay and no idle worker
        MicroBatcher<String> batcher = batcher(8, Duration.ofMillis(5), 64);
        workers.idle = 0;
        batcher.add("a", "sst2", TextInput.of("a"));
        clock.addAndGet(Duration.ofMillis(6).toNanos());

        // When the delay has passed and more requests come while the workers are still busy
        batcher.poll();
        batcher.add("b", "sst2", TextInput.of("b"));
        batcher.add("c", "sst2", TextInput.of("c"));

        // Then nothing was handed over yet: the due batch waits and takes the new requests
        assertThat(workers.jobs).as("batches handed to busy workers").isEmpty();

        // and once a worker is idle, the three run as one batch
        workers.idle = 1;
        batcher.poll();
        workers.runAll();
        batcher.poll();
        assertThat(classifier.batches).containsExactly("sst2:[a, b, c]");
        assertThat(out).containsExactly("a:label-a:3", "b:label-b:3", "c:label-c:3");
    }

    @Test
    void shouldStartNewBatchWhenFullOneWaitsForWorker() {
        // Given no idle worker, batches of at most 2 and a 5 ms delay
        MicroBatcher<String> batcher = batcher(2, Duration.ofMillis(5), 64);
        workers.idle = 0;
        for (String id : List.of("a", "b", "c")) {
            batcher.add(id, "sst2", TextInput.of(id));
        }
        assertThat(workers.jobs).isEmpty();

        // When a worker becomes idle, only the oldest due batch goes to it
        workers.idle = 1;
        batcher.poll();
        workers.idle = 0;
        workers.runAll();

        // Then the full batch ran and the third request still waits: its batch is neither full nor old enough
        batcher.poll();
        assertThat(classifier.batches).containsExactly("sst2:[a, b]");
        assertThat(out).containsExactly("a:label-a:2", "b:label-b:2");

        // and it runs once its delay has passed and a worker is idle
        clock.addAndGet(Duration.ofMillis(6).toNanos());
        workers.idle = 1;
        batcher.poll();
        workers.runAll();
        batcher.poll();
        assertThat(classifier.batches).containsExactly("sst2:[a, b]", "sst2:[c]");
        assertThat(out).containsExactly("a:label-a:2", "b:label-b:2", "c:label-c:1");
    }

    @Test
    void shouldDeadLetterEveryRequestOfBatchWhenClassifierThrows() {
        MicroBatcher<String> batcher = new MicroBatcher<>(new BatchSettings(2, Duration.ofHours(1), 4),
                (task, inputs) -> {
                    throw new IllegalStateException("model exploded");
                }, workers, this::record, clock::get);
        batcher.add("a", "sst2", TextInput.of("a"));
        batcher.add("b", "sst2", TextInput.of("b"));

        workers.runAll();
        batcher.poll();

        assertThat(out).containsExactly("a:INFERENCE_FAILED:2", "b:INFERENCE_FAILED:2");
    }

    @Test
    void shouldFailStreamThreadWithoutForwardingWhenWorkersRejectBatch() {
        // Given workers that are closed
        MicroBatcher<String> batcher = new MicroBatcher<String>(new BatchSettings(2, Duration.ofHours(1), 4),
                classifier,
                workers((job, rejected) -> rejected.accept(new RejectedExecutionException("closed"))), this::record,
                clock::get);
        batcher.add("a", "sst2", TextInput.of("a"));

        // Then the flush before a commit fails, and nothing was forwarded: the offset is not committed either
        assertThatThrownBy(batcher::flush).isInstanceOf(StreamsException.class).hasMessageContaining("closed");
        assertThat(out).isEmpty();
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private MicroBatcher<String> batcher(int maxSize, Duration maxDelay, int capacity) {
        return new MicroBatcher<>(new BatchSettings(maxSize, maxDelay, capacity), classifier, workers, this::record,
                clock::get);
    }

    private void record(String id, BatchResult r) {
        String what = r.outcome() instanceof Labeled l ? l.classification().label()
                : ((Refused) r.outcome()).kind().name();
        out.add(id + ":" + what + ":" + r.batchSize());
    }

    private static InferenceWorkers workers(BiConsumer<Runnable, Consumer<Throwable>> execute) {
        return new InferenceWorkers() {
            @Override
            public void execute(Runnable job, Consumer<Throwable> rejected) {
                execute.accept(job, rejected);
            }

            @Override
            public void close() {}
        };
    }

    private static void awaitWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!isWaiting(thread) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(thread.getState()).isIn(Thread.State.WAITING, Thread.State.TIMED_WAITING);
    }

    private static boolean isWaiting(Thread thread) {
        Thread.State state = thread.getState();
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
    }

    /** Workers that run jobs only when the test says so, on the test's thread; {@code idle} is what they report. */
    private static final class ManualWorkers implements InferenceWorkers {
        final Deque<Runnable> jobs = new ArrayDeque<>();
        volatile int idle = Integer.MAX_VALUE;

        @Override
        public int idle() {
            return idle;
        }

        @Override
        public synchronized void execute(Runnable job, Consumer<Throwable> rejected) {
            jobs.addLast(job);
        }

        void runAll() {
            Runnable job;
            while ((job = next(true)) != null) {
                job.run();
            }
        }

        void runLast() {
            next(false).run();
        }

        private synchronized Runnable next(boolean first) {
            return first ? jobs.pollFirst() : jobs.pollLast();
        }

        @Override
        public void close() {}
    }

    /** Labels each text "label-TEXT" and records every batch as "task:[texts]". */
    private static final class RecordingClassifier implements TaskClassifier {
        final List<String> batches = Collections.synchronizedList(new ArrayList<>());

        @Override
        public List<Outcome> classify(String taskId, List<TextInput> inputs) {
            batches.add(taskId + ":" + inputs.stream().map(TextInput::text).toList());
            List<Outcome> outcomes = new ArrayList<>();
            for (TextInput input : inputs) {
                float[] p = {1f};
                outcomes.add(new Labeled(new Classification("label-" + input.text(), List.of("x"), p, p), 1, "base",
                        "fp", 2));
            }
            return outcomes;
        }
    }
}
