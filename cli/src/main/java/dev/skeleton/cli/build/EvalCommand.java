package dev.skeleton.cli.build;

import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.builder.SkeletonEvaluator;
import dev.skeleton.builder.data.ColumnSpec;
import dev.skeleton.builder.data.DatasetReader;
import dev.skeleton.builder.data.LabeledExample;
import dev.skeleton.builder.train.GlueMetric;
import dev.skeleton.cli.BaseModelOptions;
import dev.skeleton.cli.CliException;
import dev.skeleton.cli.Json;
import dev.skeleton.cli.PrecisionConverter;
import dev.skeleton.cli.SkeletonCli;
import dev.skeleton.engine.graph.Precision;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.runtime.EngineConfig;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code skeleton eval}: the task's GLUE metric for its prompt on the full model and for its skeleton. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a task on labeled data through the serving engine (ONNX Runtime): the prompt on the"
                + " full model (ROOT/prompts/TASK/prompt.avro) and the skeleton (ROOT/skeletons/TASK/skeleton.avro).",
                "Metric: accuracy; F1 for mrpc; Matthews correlation for cola."})
public final class EvalCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--task", required = true, paramLabel = "NAME", description = "Task id.")
    private String task;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Labeled data to evaluate on.")
    private Path data;

    @Mixin
    private DataColumnsOptions columns;

    @Option(names = "--root", defaultValue = ".", paramLabel = "DIR",
            description = "Project root for prompts/ and skeletons/ (default: ${DEFAULT-VALUE}).")
    private Path root;

    @Option(names = "--json", description = "One JSON object per line: variant, metric, value, examples.")
    private boolean json;

    @Option(names = "--precision", paramLabel = "P[,P]", split = ",", defaultValue = "fp32",
            converter = PrecisionConverter.class,
            description = "Engine precisions to evaluate in: fp32, int8 or fp32,int8 (default: ${DEFAULT-VALUE}).")
    private List<Precision> precisions;

    @Mixin
    private BaseModelOptions baseModel;

    @Override
    public Integer call() {
        Map<String, Path> variants = new LinkedHashMap<>();
        variants.put("prompt", root.resolve(SkeletonFiles.PROMPTS_DIR).resolve(task)
                .resolve(SkeletonFiles.PROMPT_FILE));
        variants.put("skeleton", root.resolve(SkeletonFiles.SKELETONS_DIR).resolve(task)
                .resolve(SkeletonFiles.SKELETON_FILE));
        variants.values().removeIf(p -> !Files.isRegularFile(p));
        if (variants.isEmpty()) {
            throw new CliException("no prompt or skeleton for task '" + task + "' under " + root.toAbsolutePath());
        }
        Map<String, TaskSkeleton> skeletons = new LinkedHashMap<>();
        variants.forEach((name, file) -> skeletons.put(name, SkeletonFiles.read(file)));
        GlueMetric metric = GlueMetric.forTask(task);
        PrintWriter out = spec.commandLine().getOut();
        BaseModel base = baseModel.loadFor(skeletons.values().iterator().next());
        for (Precision precision : precisions) {
            String p = precision.name().toLowerCase(Locale.ROOT);
            try (SkeletonEngine engine = new SkeletonEngine(base, EngineConfig.defaults().withPrecision(precision))) {
                for (Map.Entry<String, TaskSkeleton> v : skeletons.entrySet()) {
                    TaskSkeleton skeleton = v.getValue();
                    List<LabeledExample> examples = DatasetReader.read(data, withLabels(skeleton)).examples();
                    double value = SkeletonEvaluator.evaluate(engine, skeleton, examples, metric);
                    if (json) {
                        out.println(Json.line(Json.object().put("task", task).put("variant", v.getKey())
                                .put("precision", p).put("version", skeleton.getVersion()).put("metric", metric.key())
                                .put("value", value).put("examples", examples.size())));
                    } else {
                        out.printf(Locale.ROOT, "%-8s %-4s v%d  %s %.2f  (%d examples)%n", v.getKey(), p,
                                skeleton.getVersion(), metric.key(), 100 * value, examples.size());
                    }
                }
            }
        }
        return SkeletonCli.OK;
    }

    /**
     * The columns the skeleton was built with (its provenance) and its own label names, unless flags say otherwise;
     * the labels always follow the skeleton's head.
     */
    private ColumnSpec withLabels(TaskSkeleton skeleton) {
        ColumnSpec c = columns.spec(skeleton.getProvenance() == null ? Map.of() :
                skeleton.getProvenance().getOptions());
        return columns.labels != null ? c
                : new ColumnSpec(c.text(), c.pair(), c.label(), skeleton.getLabels(), c.header());
    }
}
