/**
 * {@code bench}: engine throughput of the full model against skeletons (variants interleaved, medians, ratios within
 * one run), per precision, with memory per loaded task; and {@code bench --stream}, the service end to end through
 * a broker with hot swaps.
 */
package dev.skeleton.cli.bench;
