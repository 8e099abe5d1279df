package dev.skeleton.cli.bench;

import java.util.List;

/**
 * Everything one benchmark run found.
 *
 * @param model      base model description
 * @param settings   what was run
 * @param sentences  where the sentences came from, and how many
 * @param meanTokens mean text tokens per sentence (special tokens included, prompt excluded)
 * @param results    throughput rows, by batch size then variant
 * @param memory     per-task memory, or null where RSS cannot be read (not Linux)
 */
public record BenchReport(String model, BenchSettings settings, String sentences, double meanTokens,
        List<BenchResult> results, MemoryResult memory) {}
