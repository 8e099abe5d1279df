package dev.skeleton.cli.bench;

import dev.skeleton.cli.BaseModelOptions;
import dev.skeleton.cli.SkeletonCli;
import dev.skeleton.cli.ThreadsOption;
import dev.skeleton.engine.model.BaseModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code skeleton bench}: throughput of the full model against skeletons, and memory per task. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Throughput (sequences/s) of a soft prompt on the full model against skeletons keeping"
                + " 50%%, 30%% and 10%% of the FFN neurons, at batch sizes 1, 8 and 32, on SST-2 dev sentences;"
                + " then resident memory per extra loaded task.",
                "Results go to stdout, progress to stderr."})
public final class BenchCommand implements Callable<Integer> {

    private static final int DEFAULT_THREADS = 2;

    @Spec
    private CommandSpec spec;

    @Option(names = "--quick", description = "3 repetitions of ~0.5 s instead of 7 of ~1.5 s: a rough look in under a minute.")
    private boolean quick;

    @Option(names = "--json", description = "One JSON object per line: a row per variant and batch size, then memory.")
    private boolean json;

    private final ThreadsOption threads = new ThreadsOption(DEFAULT_THREADS);

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime threads (default: " + DEFAULT_THREADS + ").")
    void setThreads(int n) {
        threads.set(spec, n);
    }

    private int promptLength = 20;

    @Option(names = "--prompt-length", paramLabel = "N", description = "Soft prompt rows of every variant (default: 20).")
    void setPromptLength(int n) {
        if (n < 0) {
            throw new ParameterException(spec.commandLine(), "--prompt-length must be >= 0, got " + n);
        }
        promptLength = n;
    }

    @Option(names = "--data", paramLabel = "FILE",
            description = {"TSV with a 'sentence' column. Default: SST-2 dev from",
                    "../shared/datasets/glue/SST-2/dev.tsv if it exists, else a bundled sample of its first 256 rows."})
    private Path data;


    @Mixin
    private BaseModelOptions baseModel;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        SentenceSource sentences = SentenceSource.load(data);
        int n = threads.orElse(DEFAULT_THREADS);
        BenchSettings settings = quick ? BenchSettings.quick(n, promptLength)
                : BenchSettings.full(n, promptLength);
        err.println("bench: loading base model");
        err.flush();
        BaseModel base = baseModel.load();
        BenchReport report = new EngineBenchmark(base, settings, sentences, message -> {
            err.println("bench: " + message);
            err.flush();
        }).run();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            BenchPrinter.jsonLines(report, out);
        } else {
            BenchPrinter.table(report, out);
        }
        return SkeletonCli.OK;
    }
}
