import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.graph.Precision;
import dev.skeleton.engine.graph.SharedTensor;
import dev.skeleton.engine.graph.SkeletonGraph;
import dev.skeleton.engine.graph.SkeletonGraphBuilder;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.runtime.SharedWeights;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import java.io.File;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Where a synthetic skeleton's time goes, by ONNX Runtime operator: the graph the engine writes for it, run on random
 * token ids (batch x tokens, every position real) with ONNX Runtime's profiler on; per operator type, the sum over its
 * nodes of each node's median time over the runs. Sessions are made as the engine makes them (all graph
 * optimizations, shared initializers, no arena), on a pool of THREADS threads; {@code -Dftz=true} adds ONNX
 * Runtime's {@code session.set_denormal_as_zero}. Idle machine only.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp cli/target/skeleton-cli.jar docs/benchmarks/OpProfile.java \
 *     PRECISION FFN_KEEP HEAD_KEEP [PROMPT=20 BATCH=32 TOKENS=46 RUNS=40 THREADS=2]
 * </pre>
 */
public final class OpProfile {

    public static void main(String[] args) throws Exception {
        Precision precision = Precision.valueOf(args[0].toUpperCase());
        double ffnKeep = Double.parseDouble(args[1]);
        double headKeep = Double.parseDouble(args[2]);
        int prompt = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 32;
        int tokens = args.length > 5 ? Integer.parseInt(args[5]) : 46;
        int runs = args.length > 6 ? Integer.parseInt(args[6]) : 40;
        int threads = args.length > 7 ? Integer.parseInt(args[7]) : 2;

        BaseModel base = BaseModel.loadDefault();
        TaskSkeleton skeleton = SyntheticSkeletons.random(base, "profile", prompt, ffnKeep, headKeep, 42);
        SkeletonGraph graph = new SkeletonGraphBuilder(base.weights(), precision).build(skeleton);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setCPUArenaAllocator(false);
        if (Boolean.getBoolean("ftz")) {
            options.addConfigEntry("session.set_denormal_as_zero", "1");
        }
        File profile = File.createTempFile("op-profile", "");
        options.enableProfiling(profile.getPath());
        SharedWeights shared = new SharedWeights(env);
        for (Map.Entry<String, SharedTensor> e : graph.shared().entrySet()) {
            options.addInitializer(e.getKey(), shared.get(e.getKey(), e.getValue()));
        }
        OrtSession session = env.createSession(graph.modelBytes(), options);

        long[] ids = new long[batch * tokens];
        long[] ones = new long[batch * tokens];
        Random random = new Random(1);
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1000 + random.nextInt(20000);
            ones[i] = 1;
        }
        long[] shape = {batch, tokens};
        Map<String, OnnxTensor> inputs = Map.of(
                SkeletonGraph.INPUT_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape),
                SkeletonGraph.ATTENTION_MASK, OnnxTensor.createTensor(env, LongBuffer.wrap(ones), shape),
                SkeletonGraph.TOKEN_TYPE_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]),
                        shape));
        for (int i = 0; i < 5; i++) {
            session.run(inputs).close();
        }
        double[] millis = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            session.run(inputs).close();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        String written = session.endProfiling();
        Arrays.sort(millis);
        System.out.printf("%s FFN keep %.2f, heads %.2f, prompt %d, batch %d x %d tokens, %d threads: median %.1f ms"
                + " per batch over %d runs (profiler on)%n", precision, ffnKeep, headKeep, prompt, batch, tokens,
                threads, millis[runs / 2], runs);

        Map<String, List<Long>> perNode = new HashMap<>();
        Map<String, String> opOf = new HashMap<>();
        for (JsonNode event : new ObjectMapper().readTree(new File(written))) {
            String name = event.path("name").asText();
            if ("Node".equals(event.path("cat").asText()) && name.endsWith("_kernel_time")) {
                perNode.computeIfAbsent(name, n -> new ArrayList<>()).add(event.path("dur").asLong());
                opOf.put(name, event.path("args").path("op_name").asText());
            }
        }
        Map<String, Double> perOp = new TreeMap<>();
        perNode.forEach((node, durations) -> perOp.merge(opOf.get(node), median(durations) / 1000, Double::sum));
        double total = perOp.values().stream().mapToDouble(Double::doubleValue).sum();
        perOp.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> System.out.printf("  %-24s %6.2f ms  %5.1f%%%n", e.getKey(), e.getValue(),
                        100 * e.getValue() / total));
        System.out.printf("  %-24s %6.2f ms%n", "sum of node medians", total);
        new File(written).delete();
        profile.delete();
    }

    private static double median(List<Long> values) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }
}
