package dev.skeleton.cli.demo;

import dev.skeleton.cli.BaseModelOptions;
import dev.skeleton.cli.SkeletonCli;
import dev.skeleton.streams.StopSignals;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code skeleton demo}: the whole product on an embedded broker, with a live view; see {@link Demo}. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start an embedded Kafka broker, publish the bundled skeletons (sst2, qnli), start the"
                + " streaming service, send real labeled sentences for every task (one record in "
                + Demo.BAD_EVERY + " deliberately bad, for the dead-letter topic), score the labels against the gold"
                + " labels, hot-swap the first task to a new version half way, and show it live.",
                "The live view goes to the terminal; with --json only the summary, as one JSON object."})
public final class DemoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--messages", paramLabel = "N", defaultValue = "0",
            description = "Stop after sending N requests and receiving their answers (default: run until Ctrl-C).")
    private int messages;

    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "50",
            description = "Requests sent per second (default: ${DEFAULT-VALUE}).")
    private double rate;

    @Option(names = "--json", description = "Print only the summary, as JSON: produced, labeled, duplicates, dlq,"
            + " lost, accuracy per task, throughput, p50_ms, p99_ms, first_label_s, swap, ...")
    private boolean json;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port of the dashboard and the other HTTP endpoints; another free one if taken (default:"
                    + " ${DEFAULT-VALUE}).")
    private int httpPort;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = ".",
            description = "Project root holding prompts/ and skeletons/ (default: ${DEFAULT-VALUE}).")
    private Path root;

    @Mixin
    private BaseModelOptions baseModel;

    @Override
    public Integer call() {
        if (messages < 0 || !(rate > 0) || httpPort < 0 || httpPort > 65_535) {
            throw new ParameterException(spec.commandLine(), "--messages must be >= 0, --rate > 0 and --http-port"
                    + " 0..65535; got " + messages + ", " + rate + " and " + httpPort);
        }
        AtomicBoolean stop = new AtomicBoolean();
        // Ctrl-C or SIGTERM: stop sending, wait for the answers in flight, print the summary, close in order
        StopSignals.onStop(() -> stop.set(true));
        new Demo(new Demo.Options(messages, rate, json, httpPort, root), baseModel.load(),
                spec.commandLine().getOut(), spec.commandLine().getErr()).run(stop::get);
        return SkeletonCli.OK;
    }
}
