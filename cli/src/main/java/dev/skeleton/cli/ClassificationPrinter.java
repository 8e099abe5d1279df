package dev.skeleton.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skeleton.engine.runtime.Classification;
import dev.skeleton.engine.text.TextInput;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Prints classifications, one line per input: tab-separated for people and shell tools, or JSON Lines. */
final class ClassificationPrinter {

    private ClassificationPrinter() {}

    /** {@code label<TAB>confidence<TAB>text}; the text goes last and on one line so the columns stay parseable. */
    static void tsv(PrintWriter out, List<TextInput> inputs, List<Classification> results) {
        for (int i = 0; i < inputs.size(); i++) {
            Classification c = results.get(i);
            out.println(c.label() + "\t" + String.format(Locale.ROOT, "%.4f", c.confidence()) + "\t"
                    + inputs.get(i).text().replaceAll("[\\t\\r\\n]+", " "));
        }
        out.flush();
    }

    /** {@code {"text", "pair" (pair tasks only), "label", "probabilities": {label: p}}} per line. */
    static void json(PrintWriter out, List<TextInput> inputs, List<Classification> results) {
        for (int i = 0; i < inputs.size(); i++) {
            Classification c = results.get(i);
            ObjectNode line = Json.object();
            line.put("text", inputs.get(i).text());
            if (inputs.get(i).pair() != null) {
                line.put("pair", inputs.get(i).pair());
            }
            line.put("label", c.label());
            ObjectNode probabilities = line.putObject("probabilities");
            for (int j = 0; j < c.labels().size(); j++) {
                probabilities.put(c.labels().get(j), c.probabilities()[j]);
            }
            out.println(Json.line(line));
        }
        out.flush();
    }
}
