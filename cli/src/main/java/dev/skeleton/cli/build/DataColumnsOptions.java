package dev.skeleton.cli.build;

import dev.skeleton.builder.data.ColumnSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Option;

/**
 * Which columns of a data file hold text, text pair and label: shared by {@code build} and {@code eval}. A flag
 * left out falls back to what the skeleton recorded when it was built ({@link #spec(Map)}), else to the GLUE
 * single-sentence layout.
 */
public final class DataColumnsOptions {

    static final String DEFAULT_TEXT = "sentence";
    static final String DEFAULT_LABEL = "label";

    @Option(names = "--text-column", paramLabel = "NAME",
            description = "Column (or JSONL field) of the text; a 0-based number with --no-header (default: the"
                    + " skeleton's, else " + DEFAULT_TEXT + ").")
    String text;

    @Option(names = "--pair-column", paramLabel = "NAME",
            description = "Column of the second text, for pair tasks (paraphrase, entailment).")
    String pair;

    @Option(names = "--label-column", paramLabel = "NAME",
            description = "Column of the label (default: the skeleton's, else " + DEFAULT_LABEL + ").")
    String label;

    @Option(names = "--labels", paramLabel = "A,B,...", split = ",",
            description = "Label names in head order; file values are names or 0-based indices. Default: the"
                    + " skeleton's, else the training file's distinct values, sorted.")
    List<String> labels;

    @Option(names = "--no-header", description = "TSV/CSV files have no header row (columns are numbers).")
    Boolean noHeader;

    /** The columns as given, with the defaults for what was not. */
    public ColumnSpec spec() {
        return spec(Map.of());
    }

    /**
     * The columns as given; what was not given comes from {@code recorded} (a skeleton's provenance options:
     * {@code text_column}, {@code pair_column}, {@code label_column}, {@code header}, {@code labels}), else the
     * defaults. The pair column is taken from the record only when the text column is too, so a user's own text
     * column never meets a recorded pair column.
     */
    public ColumnSpec spec(Map<String, String> recorded) {
        boolean useRecord = text == null && recorded.containsKey("text_column");
        String recordedPair = recorded.get("pair_column");
        String pairColumn = pair != null ? pair
                : useRecord && recordedPair != null && !recordedPair.equals("null") ? recordedPair : null;
        String labelColumn = label != null ? label : recorded.getOrDefault("label_column", DEFAULT_LABEL);
        boolean header = noHeader != null ? !noHeader : Boolean.parseBoolean(recorded.getOrDefault("header", "true"));
        String recordedLabels = recorded.get("labels");
        List<String> labelNames = labels != null ? labels
                : recordedLabels == null || recordedLabels.isEmpty() ? List.of() : List.of(recordedLabels.split(","));
        return new ColumnSpec(useRecord ? recorded.get("text_column") : Objects.requireNonNullElse(text, DEFAULT_TEXT),
                pairColumn, labelColumn, labelNames, header);
    }
}
