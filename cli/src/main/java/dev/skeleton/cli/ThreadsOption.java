package dev.skeleton.cli;

import dev.skeleton.engine.runtime.EngineConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The {@code --threads N} value of a command: checked while parsing, so a bad value is a usage error. */
public final class ThreadsOption {

    private Integer threads;

    public ThreadsOption() {}

    /** A default to use when the option is not given. */
    public ThreadsOption(int defaultThreads) {
        this.threads = defaultThreads;
    }

    public void set(CommandSpec spec, int n) {
        if (n < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be >= 1, got " + n);
        }
        threads = n;
    }

    /** {@code config} with the chosen thread count, or unchanged when none was chosen. */
    public EngineConfig applyTo(EngineConfig config) {
        return threads == null ? config : config.withThreads(threads);
    }

    /** The chosen thread count, or {@code fallback}. */
    public int orElse(int fallback) {
        return threads == null ? fallback : threads;
    }
}
