/**
 * {@code build} and {@code eval}: the builder and the evaluator on the command line, with the data-column options
 * and the console progress of a build.
 */
package dev.skeleton.cli.build;
