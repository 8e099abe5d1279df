/**
 * Labeled data: reading TSV/CSV/JSONL with named columns and labels, and the validation split held out of the
 * training data (every choice of the build is made on it, never on the dev file).
 */
package dev.skeleton.builder.data;
