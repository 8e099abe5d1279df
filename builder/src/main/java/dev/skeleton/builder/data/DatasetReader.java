package dev.skeleton.builder.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skeleton.engine.text.TextInput;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads labeled examples from TSV (GLUE layout: tab-separated, no quoting), CSV (RFC 4180 quoting) or JSONL
 * (one object per line), chosen by file extension. Every problem names the file and line: a missing column,
 * an unknown label, an empty file, a row with too few fields, a line that is not JSON.
 */
public final class DatasetReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DatasetReader() {}

    /** A data set: its examples and the label names they index. */
    public record Dataset(List<LabeledExample> examples, List<String> labels) {}

    public static Dataset read(Path file, ColumnSpec spec) {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file + ": file not found");
        }
        List<RawRow> rows = rows(file, spec);
        if (rows.isEmpty()) {
            throw new DataFormatException(file + ": no examples (the file is empty or holds only a header)");
        }
        List<String> labels = spec.labels().isEmpty() ? distinctSorted(rows) : spec.labels();
        if (labels.size() < 2) {
            throw new DataFormatException(file + ": needs at least 2 labels, found " + labels);
        }
        List<LabeledExample> examples = new ArrayList<>(rows.size());
        for (RawRow r : rows) {
            TextInput input = r.pair == null ? TextInput.of(r.text) : TextInput.pair(r.text, r.pair);
            examples.add(new LabeledExample(input, labelIndex(file, r, labels), r.line));
        }
        return new Dataset(examples, labels);
    }

    private record RawRow(String text, String pair, String label, long line) {}

    private static List<RawRow> rows(Path file, ColumnSpec spec) {
        String name = file.getFileName().toString().toLowerCase();
        if (name.endsWith(".jsonl") || name.endsWith(".json")) {
            return jsonRows(file, spec);
        }
        if (name.endsWith(".tsv") || name.endsWith(".csv")) {
            return delimitedRows(file, spec, name.endsWith(".tsv"));
        }
        throw new DataFormatException(file + ": unknown format; use a .tsv, .csv or .jsonl file");
    }

    private static List<RawRow> delimitedRows(Path file, ColumnSpec spec, boolean tsv) {
        // GLUE TSVs are not quoted, and their text has stray quotes: no quote handling for TSV
        CSVFormat format = tsv
                ? CSVFormat.TDF.builder().setQuote(null).setIgnoreSurroundingSpaces(false).setTrim(false).get()
                : CSVFormat.RFC4180;
        try (Reader reader = withoutBom(file); CSVParser parser = CSVParser.parse(reader, format)) {
            List<RawRow> rows = new ArrayList<>();
            Map<String, Integer> header = null;
            int[] columns = null;
            for (CSVRecord record : parser) {
                long line = record.getRecordNumber();
                if (header == null && spec.header()) {
                    header = new LinkedHashMap<>();
                    for (int i = 0; i < record.size(); i++) {
                        header.put(record.get(i).strip(), i);
                    }
                    continue;
                }
                if (columns == null) {
                    columns = new int[] {
                            column(file, spec.text(), header),
                                    spec.pair() == null ? -1 : column(file, spec.pair(), header),
                            column(file, spec.label(), header)};
                }
                if (record.size() == 1 && record.get(0).isBlank()) {
                    continue;
                }
                int needed = Math.max(columns[0], Math.max(columns[1], columns[2])) + 1;
                if (record.size() < needed) {
                    throw new DataFormatException(file + ":" + line + ": expected at least " + needed
                            + " fields, found "
                            + record.size());
                }
                rows.add(new RawRow(record.get(columns[0]), columns[1] < 0 ? null : record.get(columns[1]),
                        record.get(columns[2]).strip(), line));
            }
            return rows;
        } catch (IOException | IllegalStateException | UncheckedIOException e) {
            throw new DataFormatException(file + ": unreadable: " + e.getMessage(), e);
        }
    }

    private static int column(Path file, String column, Map<String, Integer> header) {
        if (header == null) {
            try {
                return Integer.parseInt(column);
            } catch (NumberFormatException e) {
                throw new DataFormatException(file + ": without a header, columns are 0-based numbers; got '" + column
                        + "'");
            }
        }
        Integer index = header.get(column);
        if (index == null) {
            throw new DataFormatException(file + ":1: no column '" + column + "'; columns are " + header.keySet());
        }
        return index;
    }

    private static List<RawRow> jsonRows(Path file, ColumnSpec spec) {
        List<RawRow> rows = new ArrayList<>();
        try (BufferedReader reader = withoutBom(file)) {
            String text;
            long line = 0;
            while ((text = reader.readLine()) != null) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(text);
                } catch (JsonProcessingException e) {
                    throw new DataFormatException(file + ":" + line + ": not a JSON object: "
                            + e.getOriginalMessage(), e);
                }
                rows.add(new RawRow(field(file, line, node, spec.text()),
                        spec.pair() == null ? null : field(file, line, node, spec.pair()),
                        field(file, line, node, spec.label()), line));
            }
            return rows;
        } catch (IOException e) {
            throw new DataFormatException(file + ": unreadable: " + e.getMessage(), e);
        }
    }

    private static String field(Path file, long line, JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new DataFormatException(file + ":" + line + ": no field '" + name + "'");
        }
        return value.isTextual() ? value.asText() : value.toString();
    }

    private static int labelIndex(Path file, RawRow r, List<String> labels) {
        int byName = labels.indexOf(r.label);
        if (byName >= 0) {
            return byName;
        }
        try {
            int index = Integer.parseInt(r.label);
            if (index >= 0 && index < labels.size()) {
                return index;
            }
        } catch (NumberFormatException e) {
            // not an index either; reported below
        }
        throw new DataFormatException(file + ":" + r.line + ": unknown label '" + r.label + "'; labels are " + labels
                + " (or their 0-based indices)");
    }

    private static List<String> distinctSorted(List<RawRow> rows) {
        TreeSet<String> values = new TreeSet<>();
        rows.forEach(r -> values.add(r.label));
        return List.copyOf(values);
    }

    /** A UTF-8 reader that skips a byte-order mark (GLUE's MRPC files start with one). */
    private static BufferedReader withoutBom(Path file) throws IOException {
        BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
        return reader;
    }
}
