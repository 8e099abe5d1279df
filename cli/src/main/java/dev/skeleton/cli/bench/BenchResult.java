package dev.skeleton.cli.bench;

/**
 * Throughput of one variant at one batch size.
 *
 * @param variant        "full", "deep" (full model, deep prompt) or "skeleton"
 * @param input          "single", "pair" or "siamese"
 * @param precision      "fp32" or "int8"
 * @param prepacked      whether the session pre-packed its weights ({@code engine.prepack.weights})
 * @param keep           FFN keep ratio
 * @param headKeep       attention-head keep ratio
 * @param batch          batch size
 * @param seqPerSecond   median sequences per second over the repetitions
 * @param minSeqPerSecond slowest repetition
 * @param maxSeqPerSecond fastest repetition
 * @param speedup        median of this variant / median of the first full model, same batch size, same run
 * @param batchesPerRep  batches timed per repetition
 * @param paddedTokens   mean padded text length of a batch (prompt excluded), or NaN if unknown
 */
public record BenchResult(String variant, String input, String precision, boolean prepacked, double keep,
        double headKeep, int batch, double seqPerSecond, double minSeqPerSecond, double maxSeqPerSecond, double speedup,
        int batchesPerRep, double paddedTokens) {}
