package dev.skeleton.cli.demo;

import dev.skeleton.cli.CliException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The labeled sentences the demo sends for one task, bundled in the jar under {@value #DIR}TASK.tsv (GLUE dev rows;
 * sources and licences in {@value #DIR}NOTICE.md). Layout: header, then {@code text<TAB>text_pair<TAB>label} with
 * an empty text_pair for single-text tasks and the label's name.
 *
 * @param task     task id
 * @param examples in file order
 */
record DemoSamples(String task, List<Example> examples) {

    static final String DIR = "/demo/";

    /** One labeled request: the text, its pair (null for single-text tasks) and the gold label's name. */
    record Example(String text, String textPair, String gold) {}

    /** The bundled samples of {@code task}, if there are any. */
    static Optional<DemoSamples> bundled(String task) {
        InputStream in = DemoSamples.class.getResourceAsStream(DIR + task + ".tsv");
        if (in == null) {
            return Optional.empty();
        }
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return Optional.of(parse(task, lines));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled demo samples of " + task, e);
        }
    }

    static DemoSamples parse(String task, BufferedReader lines) throws IOException {
        String header = lines.readLine();
        if (!"text\ttext_pair\tlabel".equals(header)) {
            throw new CliException("demo samples of " + task
                    + ": expected the header text<TAB>text_pair<TAB>label, got "
                    + header);
        }
        List<Example> examples = new ArrayList<>();
        int lineNumber = 1;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            lineNumber++;
            String[] f = line.split("\t", -1);
            if (f.length != 3 || f[0].isBlank() || f[2].isBlank()) {
                throw new CliException("demo samples of " + task + ", line " + lineNumber
                        + ": expected text, text_pair and label separated by tabs");
            }
            examples.add(new Example(f[0], f[1].isEmpty() ? null : f[1], f[2]));
        }
        if (examples.isEmpty()) {
            throw new CliException("demo samples of " + task + " are empty");
        }
        return new DemoSamples(task, List.copyOf(examples));
    }

    /** The {@code n}-th example when cycling through them in order. */
    Example get(long n) {
        return examples.get((int) (n % examples.size()));
    }
}
