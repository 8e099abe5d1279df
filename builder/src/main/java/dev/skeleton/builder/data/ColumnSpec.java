package dev.skeleton.builder.data;

import java.util.List;

/**
 * Which columns (TSV/CSV) or fields (JSONL) of a data file hold what. A column is a header name, or a
 * 0-based index for files without a header (GLUE's CoLA).
 *
 * @param text   column of the text (first text of a pair)
 * @param pair   column of the second text, or null for single-text tasks
 * @param label  column of the label
 * @param labels label names in head order; a file's label value is a name or a 0-based index into them.
 *               Empty: the distinct values of the file, sorted
 * @param header whether the first TSV/CSV row is a header
 */
public record ColumnSpec(String text, String pair, String label, List<String> labels, boolean header) {

    public ColumnSpec {
        labels = List.copyOf(labels);
    }
}
