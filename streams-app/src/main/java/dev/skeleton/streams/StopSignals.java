package dev.skeleton.streams;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT (Ctrl-C) into an orderly stop that finishes before the JVM starts exiting.
 *
 * <p>Why not a shutdown hook: ONNX Runtime's Java binding registers its own hook ({@code OrtEnvironment$OrtEnvCloser})
 * that releases the native environment, global thread pools included. The JVM runs all hooks at once, so a batch
 * still in inference when that hook runs crashes the process (SIGSEGV in {@code libonnxruntime.so}, an hs_err file,
 * exit 134) before the service can commit or a demo can print its summary. Handling the signal ourselves lets the
 * caller stop inference first and exit normally afterwards, when that hook has nothing left to break.
 *
 * <p>A second signal while stopping halts at once (exit 130), for a user who does not want to wait.
 */
public final class StopSignals {

    private static final Logger log = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {}

    /**
     * Runs {@code stop} on the first SIGTERM or SIGINT, on the signal's own thread, instead of exiting. Signals the
     * process ignores (a background job's SIGINT) stay ignored.
     */
    public static void onStop(Runnable stop) {
        on(stop, "TERM", "INT");
    }

    /** {@link #onStop} for the given signals (tests use one that nothing else sends). */
    static void on(Runnable stop, String... names) {
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : names) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    if (!stopping.compareAndSet(false, true)) {
                        Runtime.getRuntime().halt(130);
                    }
                    log.info("SIG{}: stopping", name);
                    stop.run();
                });
            } catch (IllegalArgumentException e) {
                // the signal is not available here, or the JVM runs with -Xrs: the default behaviour stays
                log.debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
    }
}
