package dev.skeleton.cli.build;

import dev.skeleton.builder.data.ColumnSpec;
import java.util.List;
import picocli.CommandLine.Option;

/** Which columns of a data file hold text, text pair and label: shared by {@code build} and {@code eval}. */
public final class DataColumnsOptions {

    @Option(names = "--text-column", paramLabel = "NAME", defaultValue = "sentence",
            description = "Column (or JSONL field) of the text; a 0-based number with --no-header (default: ${DEFAULT-VALUE}).")
    String text;

    @Option(names = "--pair-column", paramLabel = "NAME",
            description = "Column of the second text, for pair tasks (paraphrase, entailment).")
    String pair;

    @Option(names = "--label-column", paramLabel = "NAME", defaultValue = "label",
            description = "Column of the label (default: ${DEFAULT-VALUE}).")
    String label;

    @Option(names = "--labels", paramLabel = "A,B,...", split = ",",
            description = "Label names in head order; file values are names or 0-based indices. Default: the"
                    + " training file's distinct values, sorted.")
    List<String> labels;

    @Option(names = "--no-header", description = "TSV/CSV files have no header row (columns are numbers).")
    boolean noHeader;

    public ColumnSpec spec() {
        return new ColumnSpec(text, pair, label, labels == null ? List.of() : labels, !noHeader);
    }
}
