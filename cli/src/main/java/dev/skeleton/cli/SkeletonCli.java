package dev.skeleton.cli;

import dev.skeleton.cli.bench.BenchCommand;
import dev.skeleton.cli.build.BuildCommand;
import dev.skeleton.cli.build.EvalCommand;
import dev.skeleton.cli.demo.DemoCommand;
import dev.skeleton.cli.streams.PublishCommand;
import dev.skeleton.cli.streams.RetireCommand;
import dev.skeleton.cli.streams.RunCommand;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code skeleton} command line: classify texts with a task skeleton, build, evaluate and benchmark
 * skeletons, run the streaming service, publish and retire skeletons on its registry topic, and run the whole
 * product on an embedded broker ({@code demo}).
 *
 * <p>Exit codes: {@value #OK} success, {@value #FAILURE} runtime failure, {@value #USAGE} usage error,
 * {@value #NOT_LEARNED} a build whose task did not learn (nothing shipped). Every
 * error is one line on stderr; {@code --verbose} adds the stack trace and the libraries' info logs.
 */
@Command(name = "skeleton", mixinStandardHelpOptions = true, versionProvider = SkeletonCli.Version.class,
        description = "Multi-task text classification with task skeletons of one shared encoder.",
        subcommands = {ClassifyCommand.class, BuildCommand.class, EvalCommand.class, BenchCommand.class,
                RunCommand.class, PublishCommand.class, RetireCommand.class, DemoCommand.class})
public final class SkeletonCli implements Callable<Integer> {

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int NOT_LEARNED = 3;

    @Spec
    private CommandSpec spec;

    private boolean verbose;

    /** Inherited by every subcommand so it can go anywhere on the line. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Show stack traces on errors and the libraries' info logs.")
    void setVerbose(boolean verbose) {
        this.verbose = verbose;
        if (verbose) {
            // runs while parsing, before any library creates its first logger, so it still takes effect
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams and returns the exit code (no {@code System.exit}). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return commandLine(out, err).execute(args);
    }

    /** The configured picocli command line: our exit codes and one-line error messages. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        SkeletonCli cli = new SkeletonCli();
        CommandLine cmd = new CommandLine(cli);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler((e, failed, parseResult) -> {
            failed.getErr().println("error: " + ErrorMessages.describe(e));
            if (cli.verbose) {
                e.printStackTrace(failed.getErr());
            }
            failed.getErr().flush();
            return FAILURE;
        });
        cmd.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            // picocli starts some messages with its own "Error: "; ours already says it
            failed.getErr().println("error: " + e.getMessage().replaceFirst("^Error: ", "") + " (see '"
                    + failed.getCommandSpec().qualifiedName() + " --help')");
            failed.getErr().flush();
            return USAGE;
        });
        return cmd;
    }

    /** {@code skeleton} alone is a usage error: show what there is to run. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /** The version in the jar manifest (set by the build); "dev" when run from classes. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SkeletonCli.class.getPackage().getImplementationVersion();
            return new String[] {"skeleton " + (v == null ? "dev" : v)};
        }
    }
}
