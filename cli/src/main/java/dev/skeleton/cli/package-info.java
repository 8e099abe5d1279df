/**
 * The {@code skeleton} command line ({@link dev.skeleton.cli.SkeletonCli}, picocli): {@code classify} here, the
 * other commands in the sub-packages, and what they share (base-model, thread and precision options, one-line
 * error messages, JSON output).
 */
package dev.skeleton.cli;
