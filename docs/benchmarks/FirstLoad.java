import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.runtime.EngineConfig;
import dev.skeleton.engine.runtime.LoadTimings;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.runtime.TaskModel;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import dev.skeleton.engine.text.TextInput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where a load's time goes after the engine's warm-up on the main thread: eight loads of a skeleton, one at a time, on
 * a pool of THREADS threads (default 2), while another thread classifies batches of 16 with it in a loop.
 *
 * <pre>
 * java -Dai.djl.offline=true [-Dthreads=1] -cp cli/target/skeleton-cli.jar docs/benchmarks/FirstLoad.java \
 *     skeletons/sst2/skeleton.avro
 * </pre>
 */
public final class FirstLoad {

    public static void main(String[] args) throws Exception {
        int threads = Integer.getInteger("threads", 2);
        SkeletonEngine engine = new SkeletonEngine(BaseModel.loadDefault(), EngineConfig.defaults().withThreads(1));
        engine.warmUp();
        TaskSkeleton skeleton = SkeletonFiles.read(Path.of(args[0]));
        TaskModel serving = engine.load(skeleton);
        List<TextInput> batch = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            batch.add(TextInput.of("a gorgeous, witty, seductive movie about the sea, number " + i));
        }
        AtomicBoolean running = new AtomicBoolean(true);
        Thread traffic = new Thread(() -> {
            while (running.get()) {
                serving.classify(batch);
            }
        });
        traffic.start();
        Thread.sleep(2000);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int k = 0; k < 8; k++) {
            TaskSkeleton next = TaskSkeleton.newBuilder(skeleton).setVersion(10 + k).build();
            long start = System.nanoTime();
            TaskModel model = pool.submit(() -> engine.load(next)).get();
            long took = System.nanoTime() - start;
            LoadTimings t = model.loadTimings();
            System.out.printf("load %d on pool: %.0f ms (validate %d, graph %d, session %d, warm-up %d)%n", k,
                    took / 1e6, t.validate().toMillis(), t.graph().toMillis(), t.session().toMillis(),
                    t.warmUp().toMillis());
            model.close();
            Thread.sleep(300);
        }
        running.set(false);
        traffic.join();
        pool.shutdown();
        System.exit(0);
    }
}
