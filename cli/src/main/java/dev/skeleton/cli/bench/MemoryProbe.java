package dev.skeleton.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * The process's resident set size, from {@code /proc/self/status} (Linux). RSS, not the Java heap,
 * because a task's weights and ONNX Runtime's buffers live in native memory.
 */
public final class MemoryProbe {

    private static final Path STATUS = Path.of("/proc/self/status");

    private MemoryProbe() {}

    /** Resident bytes now, or empty where {@code /proc} is not available. */
    public static OptionalLong rssBytes() {
        try {
            return parseVmRss(Files.readAllLines(STATUS));
        } catch (IOException | UnsupportedOperationException e) {
            return OptionalLong.empty();
        }
    }

    /** The {@code VmRSS:  123456 kB} line in bytes. */
    static OptionalLong parseVmRss(List<String> statusLines) {
        for (String line : statusLines) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
            }
        }
        return OptionalLong.empty();
    }
}
