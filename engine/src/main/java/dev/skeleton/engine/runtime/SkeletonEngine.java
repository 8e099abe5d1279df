package dev.skeleton.engine.runtime;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.graph.SharedTensor;
import dev.skeleton.engine.graph.SkeletonGraph;
import dev.skeleton.engine.graph.SkeletonGraphBuilder;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.skeleton.InvalidSkeletonException;
import dev.skeleton.engine.skeleton.SkeletonValidator;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import dev.skeleton.engine.text.InputKinds;
import dev.skeleton.engine.text.SharedTokenizers;
import dev.skeleton.engine.text.TaskTokenizer;
import dev.skeleton.engine.text.TextInput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns task skeletons into runnable {@link TaskModel}s on one shared base model. The base model's weights
 * are held once, natively, and given to every task's session; a task adds only its sliced layer weights,
 * prompt and head.
 *
 * <p>Sessions are created through DJL's ONNX Runtime engine. DJL's own options cannot share initializers
 * between sessions, so the {@link OrtSession.SessionOptions} are built here with ONNX Runtime's API and
 * handed to DJL through its {@code sessionOptions} model option.
 */
public final class SkeletonEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SkeletonEngine.class);

    static {
        // DJL must never reach for a model hub or download natives: everything comes from Maven jars.
        System.setProperty("ai.djl.offline", "true");
    }

    private static final String GLOBAL_THREADS = "ai.djl.onnxruntime.num_threads";
    private static final String GLOBAL_INTEROP_THREADS = "ai.djl.onnxruntime.num_interop_threads";

    private final BaseModel base;
    private final EngineConfig config;
    private final OrtEnvironment env;
    private final SharedWeights shared;
    private final SkeletonGraphBuilder graphs;
    private final SharedTokenizers tokenizers;
    private volatile boolean cudaFallbackLogged;

    public SkeletonEngine(BaseModel base, EngineConfig config) {
        this.base = base;
        this.config = config;
        // DJL's engine creates the process-wide ONNX Runtime environment with its global thread pool; size the
        // pool before DJL starts (a later engine in the same process shares the first one's pool).
        if (System.getProperty(GLOBAL_THREADS) == null) {
            System.setProperty(GLOBAL_THREADS, Integer.toString(config.intraOpThreads()));
            System.setProperty(GLOBAL_INTEROP_THREADS, "1");
        }
        Engine.getEngine("OnnxRuntime");
        this.env = OrtEnvironment.getEnvironment();
        this.shared = new SharedWeights(env);
        this.graphs = new SkeletonGraphBuilder(base.weights(), config.precision());
        this.tokenizers = new SharedTokenizers(base.tokenizerJson());
    }

    public BaseModel baseModel() {
        return base;
    }

    public EngineConfig config() {
        return config;
    }

    /**
     * Validates {@code skeleton}, builds its sliced model and runs a warm-up batch whose outputs must be finite. Throws
     * {@link dev.skeleton.engine.skeleton.InvalidSkeletonException} with every reason if it cannot run here.
     */
    public TaskModel load(TaskSkeleton skeleton) {
        long start = System.nanoTime();
        SkeletonValidator.validate(skeleton, base);
        long validated = System.nanoTime();
        SkeletonGraph graph = graphs.build(skeleton);
        TaskTokenizer tokenizer = new TaskTokenizer(tokenizers, skeleton.getInput(), graph.promptRows());
        long built = System.nanoTime();
        Model model = Model.newInstance(skeleton.getTaskId() + "-v" + skeleton.getVersion(), "OnnxRuntime");
        TaskModel task = null;
        try {
            OrtSession.SessionOptions options = sessionOptions(graph.shared());
            Device device = useCuda(options) ? Device.CUDA : Device.CPU;
            // DJL hands the session options to ONNX Runtime and closes them with the model
            model.load(new ByteArrayInputStream(graph.modelBytes()), Map.of("sessionOptions", options));
            long sessionReady = System.nanoTime();
            task = new TaskModel(skeleton, base.name(), model, tokenizer, graph.ownedBytes(), device);
            warmUp(task, skeleton);
            task.loadTimings(new LoadTimings(Duration.ofNanos(validated - start), Duration.ofNanos(built - validated),
                    Duration.ofNanos(sessionReady - built), Duration.ofNanos(System.nanoTime() - sessionReady)));
            return task;
        } catch (OrtException | IOException | MalformedModelException | RuntimeException e) {
            if (task != null) {
                task.close();
            } else {
                model.close();
                tokenizer.close();
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("cannot create the ONNX Runtime session of " + skeleton.getTaskId()
                    + " v" + skeleton.getVersion() + ": " + e.getMessage(), e);
        }
    }

    private OrtSession.SessionOptions sessionOptions(Map<String, SharedTensor> sharedInitializers) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (config.intraOpThreads() == 1) {
            // single-threaded sessions have no pool: the calling worker runs the whole batch. On few cores, parallel
            // workers each on a core beat batches that share a pool (measured: README, "Streaming service")
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
        } else {
            // All tasks run on the environment's global thread pool: per-session pools would add idle threads
            // with every loaded task.
            options.disablePerSessionThreads();
        }
        // No per-session arena: an arena keeps the peak activation memory of its largest batch for the life of
        // the session, which multiplied by many tasks dwarfs their weights. Activations are allocated per run.
        options.setCPUArenaAllocator(false);
        if (!config.prepackWeights()) {
            // ONNX Runtime would copy every shared matrix into a packed form per session; its Java API has no
            // container to share packed weights, so sharing them for real means not packing them
            options.addConfigEntry("session.disable_prepacking", "1");
        }
        for (Map.Entry<String, SharedTensor> e : sharedInitializers.entrySet()) {
            options.addInitializer(e.getKey(), shared.get(e.getKey(), e.getValue()));
        }
        return options;
    }

    private boolean useCuda(OrtSession.SessionOptions options) {
        if (config.device() != Device.CUDA) {
            return false;
        }
        try {
            options.addCUDA(config.cudaDeviceId());
            return true;
        } catch (OrtException | UnsatisfiedLinkError e) {
            if (!cudaFallbackLogged) {
                cudaFallbackLogged = true;
                log.warn("device=CUDA was requested but the CUDA execution provider is not available ({}); running on "
                        + "CPU. Build with -Pgpu (onnxruntime_gpu) on a machine with an NVIDIA GPU and CUDA 12 to use "
                        + "it.",
                        e.getMessage());
            }
            return false;
        }
    }

    /**
     * Throwaway loads in {@link #warmUp()}. Idle, a load took what it takes in steady state by the fourth; under
     * traffic, after four loads of one shape, the first swaps still took 2-7x the later ones, so now eight, covering
     * every shape a built skeleton has. Part of the first-load cost is per thread: after this warm-up on one thread,
     * the first load on another thread still spent 146-219 ms creating its session (17-51 ms later), so a service
     * runs the warm-up on each thread that builds models.
     */
    private static final int WARM_UP_LOADS = 8;

    /**
     * Loads, runs and closes a throwaway task of this base's shape a few times on the calling thread, so that the first
     * real load there, often a hot swap under traffic, does not pay for ONNX Runtime's first session and the JIT
     * compilation of the load path. Measured on the idle development machine: the first load in a process took 1.4 s,
     * the second 190 ms, the fifth and later about 50 ms.
     */
    public void warmUp() {
        long start = System.nanoTime();
        for (int i = 0; i < WARM_UP_LOADS; i++) {
            // the shapes built skeletons have: pruned FFN with its low-rank update, a deep prompt, and pruned heads
            // (sliced attention) or all heads (the base's attention shared), so that every path of a load is compiled
            TaskSkeleton shape = SyntheticSkeletons.random(base, "engine-warm-up", 20, 0.3, i % 2 == 0 ? 0.75 : 1.0, i);
            TaskSkeleton deep = SyntheticSkeletons.withDeepPrompt(shape, base.weights().layers().size(), i);
            load(SyntheticSkeletons.withFfnDeltas(deep, base, 8, i)).close();
        }
        log.info("engine warmed up in {} ms ({} throwaway loads)", (System.nanoTime() - start) / 1_000_000,
                WARM_UP_LOADS);
    }

    /** Sentences of a few kinds and lengths that every working skeleton turns into finite outputs. */
    private static final List<String> WARM_UP_SENTENCES = List.of(
            "a gorgeous, witty, seductive movie.",
            "The committee could not agree on whether the new rules should apply to contracts signed last year.",
            "where is the nearest train station?");

    /**
     * First runs allocate and plan; do it before the task takes traffic, on a few real sentences, and refuse a
     * version whose outputs are not finite: finite weights can still overflow (a head scaled to 1e38), and such a
     * version would label every request at random.
     */
    private static void warmUp(TaskModel task, TaskSkeleton skeleton) {
        boolean pair = InputKinds.takesPair(skeleton.getInput().getKind());
        List<TextInput> probes = WARM_UP_SENTENCES.stream()
                .map(s -> pair ? TextInput.pair(s, WARM_UP_SENTENCES.get(0)) : TextInput.of(s)).toList();
        ForwardOutput out = task.forward(probes);
        for (int i = 0; i < probes.size(); i++) {
            if (!allFinite(out.logits()[i]) || !allFinite(out.probabilities()[i])) {
                throw new InvalidSkeletonException("'" + skeleton.getTaskId() + "' v" + skeleton.getVersion(),
                        List.of("its outputs are not finite (NaN or infinity) on the warm-up sentence \""
                                + WARM_UP_SENTENCES.get(i) + "\": the weights overflow"));
            }
        }
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** Bytes of base-model weights held natively for the sessions. */
    public long sharedBytes() {
        return shared.sizeInBytes();
    }

    @Override
    public void close() {
        shared.close();
        tokenizers.close();
    }
}
