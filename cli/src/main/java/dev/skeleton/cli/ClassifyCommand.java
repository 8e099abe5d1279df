package dev.skeleton.cli;

import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.engine.graph.Precision;
import dev.skeleton.engine.runtime.Classification;
import dev.skeleton.engine.runtime.EngineConfig;
import dev.skeleton.engine.runtime.SkeletonEngine;
import dev.skeleton.engine.runtime.TaskModel;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import dev.skeleton.engine.text.InputKinds;
import dev.skeleton.engine.text.TextInput;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code skeleton classify}: labels the given texts with one task, all in one batch. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Classify texts with a task skeleton and print label, confidence and text per line.",
                "The skeleton is ROOT/skeletons/NAME/skeleton.avro, else ROOT/prompts/NAME/prompt.avro."})
final class ClassifyCommand implements Callable<Integer> {

    /** Where the skeleton comes from: a task name under the root, or a file. */
    static final class Source {
        @Option(names = "--task", paramLabel = "NAME", required = true,
                description = "Task to run, found under --root.")
        String task;

        @Option(names = "--skeleton", paramLabel = "PATH", required = true, description = "Skeleton .avro file to run.")
        Path file;
    }

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Source source;

    @Option(names = "--pair", paramLabel = "TEXT",
            description = "For pair tasks (paraphrase, entailment): the second text, paired with every TEXT.")
    private String pair;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = ".",
            description = "Project root holding prompts/ and skeletons/ (default: ${DEFAULT-VALUE}).")
    private Path root;

    @Option(names = "--json", description = "One JSON object per line: text, label, probabilities.")
    private boolean json;

    private final ThreadsOption threads = new ThreadsOption();

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime threads (default: all cores).")
    void setThreads(int n) {
        threads.set(spec, n);
    }

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32", converter = PrecisionConverter.class,
            description = "fp32 or int8 (dynamic quantization of the layer matrices; default: ${DEFAULT-VALUE}).")
    private Precision precision;

    @Mixin
    private BaseModelOptions baseModel;

    @Parameters(paramLabel = "TEXT", arity = "1..*", description = "Texts to classify.")
    private List<String> texts;

    @Override
    public Integer call() {
        Path file = source.file != null ? source.file : SkeletonLocator.locate(root, source.task);
        TaskSkeleton skeleton = SkeletonFiles.read(file);
        List<TextInput> inputs = inputs(skeleton);
        EngineConfig config = threads.applyTo(EngineConfig.defaults()).withPrecision(precision);
        try (SkeletonEngine engine = new SkeletonEngine(baseModel.loadFor(skeleton), config);
                TaskModel task = engine.load(skeleton)) {
            List<Classification> results = task.classify(inputs);
            if (json) {
                ClassificationPrinter.json(spec.commandLine().getOut(), inputs, results);
            } else {
                ClassificationPrinter.tsv(spec.commandLine().getOut(), inputs, results);
            }
        }
        return SkeletonCli.OK;
    }

    /** The texts as the task's inputs; checked before the (slow) model load so a wrong call fails fast. */
    private List<TextInput> inputs(TaskSkeleton skeleton) {
        boolean pairTask = InputKinds.takesPair(skeleton.getInput().getKind());
        String name = "'" + skeleton.getTaskId() + "' v" + skeleton.getVersion();
        if (pairTask && pair == null) {
            throw new CliException("task " + name + " classifies text pairs: give the second text with --pair TEXT");
        }
        if (!pairTask && pair != null) {
            throw new CliException("task " + name + " classifies single texts: --pair does not apply");
        }
        return texts.stream().map(t -> pairTask ? TextInput.pair(t, pair) : TextInput.of(t)).toList();
    }
}
