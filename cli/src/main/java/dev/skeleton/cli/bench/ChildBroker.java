package dev.skeleton.cli.bench;

import dev.skeleton.embedded.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The embedded single-node broker in a JVM of its own, so that the service under test shares no heap, garbage
 * collector or JIT threads with it, as in a deployment (on one machine they still share the cores). It logs its
 * collections to a temporary file, removed on close, so that its pauses can be set beside latency stalls.
 */
final class ChildBroker implements AutoCloseable {

    private static final long STOP_SECONDS = 30;

    private final Process process;
    private final String bootstrapServers;
    private final Path gcLog;

    private ChildBroker(Process process, String bootstrapServers, Path gcLog) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.gcLog = gcLog;
    }

    /** Starts the broker with this JVM's class path and waits until it serves. */
    static ChildBroker start() {
        Process process;
        Path gcLog;
        try {
            gcLog = Files.createTempFile("skeleton-broker-gc", ".log");
            process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g", BrokerGcLog.option(gcLog), "-cp", System.getProperty("java.class.path"),
                    EmbeddedKafka.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the broker's JVM: " + e.getMessage(), e);
        }
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(EmbeddedKafka.BOOTSTRAP_LINE)) {
                    return new ChildBroker(process, line.substring(EmbeddedKafka.BOOTSTRAP_LINE.length()), gcLog);
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
            deleteQuietly(gcLog);
            throw new IllegalStateException("cannot read the broker's address: " + e.getMessage(), e);
        }
        process.destroyForcibly();
        deleteQuietly(gcLog);
        throw new IllegalStateException("the broker's JVM ended before it served");
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker JVM's stop-the-world GC pauses so far. */
    List<BrokerGcLog.Pause> gcPauses() {
        return BrokerGcLog.read(gcLog);
    }

    /** Closes the broker's standard input, which stops it; kills it if it has not stopped in time. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteQuietly(gcLog);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temporary file: the system cleans it up
        }
    }
}
