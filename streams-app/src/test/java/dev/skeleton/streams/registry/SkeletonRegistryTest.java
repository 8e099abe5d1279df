package dev.skeleton.streams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skeleton.engine.runtime.TaskModel;
import dev.skeleton.engine.text.TextInput;
import dev.skeleton.streams.registry.SkeletonRegistry.Change;
import dev.skeleton.streams.testkit.TestEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The registry with the real engine and synthetic skeletons. */
class SkeletonRegistryTest {

    private final List<Long> loads = new ArrayList<>();
    private final SkeletonRegistry registry = new SkeletonRegistry(skeleton -> {
        loads.add(skeleton.getVersion());
        if (skeleton.getVersion() == 66) {
            throw new IllegalStateException("out of native memory (simulated)");
        }
        if (skeleton.getVersion() == 67) {
            throw new StackOverflowError("a too deeply nested value (simulated)");
        }
        return TestEngine.engine().load(skeleton);
    });

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void shouldServeFirstVersionOfTask() {
        assertThat(registry.apply("sst2", TestEngine.skeleton("sst2", 1))).isEqualTo(Change.LOADED);

        try (TaskLease lease = registry.acquire("sst2").orElseThrow()) {
            assertThat(lease.model().version()).isEqualTo(1);
            assertThat(lease.model().classify(List.of(TextInput.of("fine"))).get(0).label())
                    .isIn("negative", "positive");
        }
        assertThat(registry.versions()).isEqualTo(Map.of("sst2", 1L));
        assertThat(registry.swapCount()).isEqualTo(1);
    }

    @Test
    void shouldReportEachLoadPhaseAndTheFirstBatchOfASwapOnce() {
        // Given a listener of swap phases, and sst2 v1 published 200 ms ago
        List<String> phases = new CopyOnWriteArrayList<>();
        registry.onSwapPhase((task, version, phase, took) -> {
            assertThat(took.isNegative()).as("%s of %s v%d took %s", phase, task, version, took).isFalse();
            phases.add(task + " v" + version + " " + phase);
        });
        long published = System.currentTimeMillis() - 200;

        // When it is applied and two batches run on it
        registry.apply("sst2", TestEngine.skeleton("sst2", 1), published);
        for (int i = 0; i < 2; i++) {
            try (TaskLease lease = registry.acquire("sst2").orElseThrow()) {
                lease.model().classify(List.of(TextInput.of("fine")));
                lease.labeledBatch();
            }
        }

        // Then each phase the registry sees is reported once, in order, the first batch ending the swap
        assertThat(phases).containsExactly("sst2 v1 VALIDATE", "sst2 v1 GRAPH", "sst2 v1 SESSION",
                "sst2 v1 WARM_UP", "sst2 v1 FIRST_BATCH", "sst2 v1 TOTAL");
    }

    @Test
    void shouldSwapToNewerVersionWithoutClosingTheOldUnderALease() {
        // Given v1 serving, and a classification holding a lease on it
        registry.apply("sst2", TestEngine.skeleton("sst2", 1));
        TaskLease inFlight = registry.acquire("sst2").orElseThrow();

        // When v2 is published
        Change change = registry.apply("sst2", TestEngine.skeleton("sst2", 2));

        // Then new leases get v2, and the in-flight lease can still finish on v1
        assertThat(change).isEqualTo(Change.REPLACED);
        try (TaskLease lease = registry.acquire("sst2").orElseThrow()) {
            assertThat(lease.model().version()).as("new requests see v2").isEqualTo(2);
        }
        assertThat(inFlight.model().version()).isEqualTo(1);
        assertThat(inFlight.model().classify(List.of(TextInput.of("still running")))).as("old model still open")
                .hasSize(1);
        inFlight.close();
    }

    @Test
    void shouldNeverCloseAModelUnderAConcurrentClassification() throws Exception {
        // Given a thread classifying without pause
        registry.apply("sst2", TestEngine.skeleton("sst2", 1));
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Set<Long> versionsSeen = ConcurrentHashMap.newKeySet();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                try (TaskLease lease = registry.acquire("sst2").orElseThrow()) {
                    lease.model().classify(List.of(TextInput.of("keep going")));
                    versionsSeen.add(lease.model().version());
                } catch (Throwable t) {
                    failures.add(t);
                }
            }
        });
        reader.start();

        // When two newer versions are swapped in under it
        registry.apply("sst2", TestEngine.skeleton("sst2", 2));
        registry.apply("sst2", TestEngine.skeleton("sst2", 3));
        Thread.sleep(100);
        stop.set(true);
        reader.join();

        // Then no classification failed, and the reader moved on to the new versions
        assertThat(failures).as("classifications that failed during swaps").isEmpty();
        assertThat(versionsSeen).contains(1L, 3L);
    }

    @Test
    void shouldRefuseInvalidVersionAndKeepServingTheOld() {
        // Given v1 serving
        registry.apply("sst2", TestEngine.skeleton("sst2", 1));

        // When v2 was built on another base model
        Change change = registry.apply("sst2", TestEngine.foreignSkeleton("sst2", 2));

        // Then it is refused, remembered with its reason, counted, and v1 keeps serving
        assertThat(change).isEqualTo(Change.REFUSED);
        assertThat(registry.versions()).isEqualTo(Map.of("sst2", 1L));
        RefusedSkeleton refused = registry.refusal("sst2").orElseThrow();
        assertThat(refused.version()).isEqualTo(2);
        assertThat(refused.reason()).contains("fingerprint sha256:0000 does not match");
        assertThat(registry.refusalCount()).isEqualTo(1);

        // and a later good version clears the refusal
        registry.apply("sst2", TestEngine.skeleton("sst2", 3));
        assertThat(registry.versions()).isEqualTo(Map.of("sst2", 3L));
        assertThat(registry.refused()).isEmpty();
    }

    @Test
    void shouldRefuseVersionThatFailsToLoadAndKeepServingTheOld() {
        registry.apply("sst2", TestEngine.skeleton("sst2", 1));

        Change change = registry.apply("sst2", TestEngine.skeleton("sst2", 66));

        assertThat(change).isEqualTo(Change.REFUSED);
        assertThat(registry.refusal("sst2").orElseThrow().reason()).contains("out of native memory");
        assertThat(registry.versions()).isEqualTo(Map.of("sst2", 1L));
    }

    @Test
    void shouldRefuseAVersionWhoseLoadingThrowsAnErrorAndKeepServingTheOld() {
        registry.apply("sst2", TestEngine.skeleton("sst2", 1));

        Change change = registry.apply("sst2", TestEngine.skeleton("sst2", 67));

        assertThat(change).as("an Error refuses the version, it does not stop the registry").isEqualTo(Change.REFUSED);
        assertThat(registry.refusal("sst2").orElseThrow().reason()).contains("StackOverflowError");
        assertThat(registry.versions()).isEqualTo(Map.of("sst2", 1L));
    }

    @Test
    void shouldIgnoreOlderOrEqualVersionWithoutLoadingIt() {
        registry.apply("sst2", TestEngine.skeleton("sst2", 2));

        assertThat(registry.apply("sst2", TestEngine.skeleton("sst2", 1))).isEqualTo(Change.IGNORED_STALE);
        assertThat(registry.apply("sst2", TestEngine.skeleton("sst2", 2))).isEqualTo(Change.IGNORED_STALE);

        assertThat(registry.versions()).isEqualTo(Map.of("sst2", 2L));
        assertThat(loads).as("stale versions are never built").containsExactly(2L);
    }

    @Test
    void shouldRetireTaskOnTombstone() {
        registry.apply("sst2", TestEngine.skeleton("sst2", 1));
        TaskLease inFlight = registry.acquire("sst2").orElseThrow();

        assertThat(registry.apply("sst2", null)).isEqualTo(Change.RETIRED);

        assertThat(registry.acquire("sst2")).as("no model for new requests").isEmpty();
        assertThat(registry.versions()).isEmpty();
        assertThat(inFlight.model().classify(List.of(TextInput.of("x")))).as("in-flight request finishes").hasSize(1);
        inFlight.close();
        assertThat(registry.apply("sst2", null)).isEqualTo(Change.IGNORED_NOT_LOADED);
    }

    @Test
    void shouldRefuseSkeletonKeyedUnderAnotherTask() {
        Change change = registry.apply("mrpc", TestEngine.skeleton("sst2", 1));

        assertThat(change).isEqualTo(Change.REFUSED);
        assertThat(registry.refusal("mrpc").orElseThrow().reason()).contains("key 'mrpc'", "taskId 'sst2'");
        assertThat(registry.versions()).isEmpty();
    }

    @Test
    void shouldTellListenersAboutEveryNewlyServingModelAndSurviveTheirFailures() {
        List<String> seen = new ArrayList<>();
        registry.onLoaded(model -> seen.add(model.toString()));
        registry.onLoaded(model -> {
            throw new IllegalStateException("listener broke");
        });

        registry.apply("sst2", TestEngine.skeleton("sst2", 1));
        registry.apply("sst2", TestEngine.skeleton("sst2", 2));

        assertThat(seen).containsExactly("sst2 v1", "sst2 v2");
        assertThat(registry.versions()).isEqualTo(Map.of("sst2", 2L));
    }

    @Test
    void shouldRecordUndecodableValueAsRefusal() {
        registry.refuseRecord("sst2", "corrupt TaskSkeleton value");

        RefusedSkeleton refused = registry.refusal("sst2").orElseThrow();
        assertThat(refused.version()).isEqualTo(-1);
        assertThat(registry.refusalCount()).isEqualTo(1);
        Optional<TaskLease> none = registry.acquire("sst2");
        assertThat(none).isEmpty();
    }

    @Test
    void shouldBuildDifferentTasksSideBySideOffTheSubmittingThread() throws Exception {
        // Given a registry with two load threads, and a build of task a that cannot finish yet
        CountDownLatch release = new CountDownLatch(1);
        try (SkeletonRegistry threaded = new SkeletonRegistry(skeleton -> {
            if (skeleton.getTaskId().equals("a")) {
                await(release);
            }
            return TestEngine.engine().load(skeleton);
        }, 2)) {
            // When a and then b are submitted
            CompletableFuture<Change> a = threaded.submit("a", TestEngine.skeleton("a", 1), -1);
            CompletableFuture<Change> b = threaded.submit("b", TestEngine.skeleton("b", 1), -1);

            // Then neither call waited for a build, and b serves while a is still being built
            assertThat(b.get(30, TimeUnit.SECONDS)).isEqualTo(Change.LOADED);
            assertThat(a).as("a's build is held").isNotDone();
            assertThat(threaded.versions()).isEqualTo(Map.of("b", 1L));
            release.countDown();
            assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo(Change.LOADED);
            assertThat(threaded.versions()).isEqualTo(Map.of("a", 1L, "b", 1L));
        }
    }

    @Test
    void shouldWarmUpOnEveryThreadThatBuildsModelsAndOnlyOnce() {
        // Given registries building on three threads of their own and on the caller's thread
        Set<String> threadsWarmed = ConcurrentHashMap.newKeySet();
        AtomicInteger runs = new AtomicInteger();
        Runnable warmUp = () -> {
            runs.incrementAndGet();
            threadsWarmed.add(Thread.currentThread().getName());
        };
        try (SkeletonRegistry threaded = new SkeletonRegistry(TestEngine.engine()::load, 3)) {
            // When each warms its load threads up
            threaded.warmUpLoadThreads(warmUp);

            // Then every load thread ran the warm-up once, and no other thread did
            assertThat(runs).hasValue(3);
            assertThat(threadsWarmed).hasSize(3).allSatisfy(name -> assertThat(name).startsWith("skeleton-load-"));
        }
        threadsWarmed.clear();
        try (SkeletonRegistry inline = new SkeletonRegistry(TestEngine.engine()::load)) {
            inline.warmUpLoadThreads(warmUp);
        }
        assertThat(threadsWarmed).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void shouldApplyOneTasksUpdatesInPublishOrderWithoutRegression() throws Exception {
        // Given a registry with two load threads whose builds take a while
        List<Long> built = new CopyOnWriteArrayList<>();
        try (SkeletonRegistry threaded = new SkeletonRegistry(skeleton -> {
            built.add(skeleton.getVersion());
            sleep(50);
            return TestEngine.engine().load(skeleton);
        }, 2)) {
            List<String> phases = new CopyOnWriteArrayList<>();
            threaded.onSwapPhase((task, version, phase, took) -> phases.add(task + " v" + version + " " + phase));

            // When v1, v3, v2 and a tombstone, then v4, are submitted at once
            List<CompletableFuture<Change>> changes = List.of(
                    threaded.submit("sst2", TestEngine.skeleton("sst2", 1), -1),
                    threaded.submit("sst2", TestEngine.skeleton("sst2", 3), -1),
                    threaded.submit("sst2", TestEngine.skeleton("sst2", 2), -1),
                    threaded.submit("sst2", null, -1),
                    threaded.submit("sst2", TestEngine.skeleton("sst2", 4), -1));

            // Then they apply one after the other, in that order: the stale v2 is never built, the tombstone
            // retires v3, and v4 serves
            List<Change> applied = new ArrayList<>();
            for (CompletableFuture<Change> change : changes) {
                applied.add(change.get(30, TimeUnit.SECONDS));
            }
            assertThat(applied).containsExactly(Change.LOADED, Change.REPLACED, Change.IGNORED_STALE,
                    Change.RETIRED, Change.LOADED);
            assertThat(built).containsExactly(1L, 3L, 4L);
            assertThat(threaded.versions()).isEqualTo(Map.of("sst2", 4L));
            assertThat(phases).as("each swapped-in version reports its wait for a load thread")
                    .contains("sst2 v1 QUEUE", "sst2 v3 QUEUE", "sst2 v4 QUEUE");
        }
    }

    @Test
    void shouldLetARequestWaitForItsTasksFirstVersionWhileItIsBuilt() throws Exception {
        // Given sst2 v1 submitted, its build taking 300 ms
        try (SkeletonRegistry threaded = new SkeletonRegistry(skeleton -> {
            sleep(300);
            return TestEngine.engine().load(skeleton);
        }, 1)) {
            threaded.submit("sst2", TestEngine.skeleton("sst2", 1), -1);

            // When a request asks for the task right away
            Optional<TaskLease> lease = threaded.acquire("sst2", Duration.ofSeconds(30));

            // Then it gets v1 once built, and a task with nothing queued is refused at once
            assertThat(lease).isPresent();
            try (TaskLease l = lease.get()) {
                assertThat(l.model().version()).isEqualTo(1);
            }
            long start = System.nanoTime();
            assertThat(threaded.acquire("mrpc", Duration.ofSeconds(30))).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void shouldCloseAVersionWhoseBuildEndsAfterTheRegistryClosed() throws Exception {
        // Given a build of sst2 v1 that is held
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<TaskModel> models = new CopyOnWriteArrayList<>();
        SkeletonRegistry threaded = new SkeletonRegistry(skeleton -> {
            building.countDown();
            await(release);
            TaskModel model = TestEngine.engine().load(skeleton);
            models.add(model);
            return model;
        }, 1);
        CompletableFuture<Change> change = threaded.submit("sst2", TestEngine.skeleton("sst2", 1), -1);
        assertThat(building.await(30, TimeUnit.SECONDS)).isTrue();

        // When the registry closes while it runs, and the build then ends
        Thread closer = new Thread(threaded::close);
        closer.start();
        Thread.sleep(100);
        release.countDown();
        closer.join(30_000);

        // Then the late version is not served, and its model is closed
        assertThat(change.get(30, TimeUnit.SECONDS)).isEqualTo(Change.IGNORED_STALE);
        assertThat(threaded.versions()).isEmpty();
        assertThatThrownBy(() -> models.get(0).classify(List.of(TextInput.of("closed"))))
                .as("the late version's model is closed").isInstanceOf(IllegalStateException.class);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
