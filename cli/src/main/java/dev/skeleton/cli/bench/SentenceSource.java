package dev.skeleton.cli.bench;

import dev.skeleton.cli.CliException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmark sentences: real text, because sequence length drives the cost and dynamic padding makes it
 * vary per batch. Read from a TSV with a {@code sentence} column (GLUE layout).
 *
 * @param description where the sentences came from, for the report
 * @param sentences   in file order
 */
public record SentenceSource(String description, List<String> sentences) {

    /** The full SST-2 dev set, relative to the working directory (the shared datasets next to the project). */
    public static final Path DEFAULT_DATA = Path.of("..", "shared", "datasets", "glue", "SST-2", "dev.tsv");

    /** The bundled fallback: header and the first 256 rows of SST-2 dev. */
    public static final String BUNDLED_SAMPLE = "/bench/sst2-dev-sample.tsv";

    public SentenceSource {
        sentences = List.copyOf(sentences);
        if (sentences.isEmpty()) {
            throw new CliException("no sentences in " + description);
        }
    }

    /** {@code data} if given (it must exist), else {@link #DEFAULT_DATA} if present, else the bundled sample. */
    public static SentenceSource load(Path data) {
        if (data != null) {
            if (!Files.isRegularFile(data)) {
                throw new CliException("benchmark data not found: " + data.toAbsolutePath().normalize());
            }
            return fromFile(data);
        }
        if (Files.isRegularFile(DEFAULT_DATA)) {
            return fromFile(DEFAULT_DATA);
        }
        InputStream in = SentenceSource.class.getResourceAsStream(BUNDLED_SAMPLE);
        if (in == null) {
            throw new IllegalStateException("the bundled benchmark sentences " + BUNDLED_SAMPLE
                    + " are missing from the jar");
        }
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return parse("SST-2 dev sample bundled in the jar (" + BUNDLED_SAMPLE + ")", reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BUNDLED_SAMPLE, e);
        }
    }

    static SentenceSource fromFile(Path file) {
        String name = file.toAbsolutePath().normalize().toString();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(name, reader);
        } catch (IOException e) {
            throw new CliException("cannot read benchmark data " + name + ": " + e.getMessage(), e);
        }
    }

    /** TSV with a header line naming a {@code sentence} column; blank sentences are skipped. */
    static SentenceSource parse(String description, Reader reader) throws IOException {
        BufferedReader lines = new BufferedReader(reader);
        String header = lines.readLine();
        if (header == null) {
            throw new CliException(description + " is empty; expected a TSV with a 'sentence' column");
        }
        int column = Arrays.asList(header.strip().split("\t")).indexOf("sentence");
        if (column < 0) {
            throw new CliException(description + " has no 'sentence' column in its header: " + header.strip());
        }
        List<String> sentences = new ArrayList<>();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            String[] fields = line.split("\t", -1);
            if (column < fields.length && !fields[column].isBlank()) {
                sentences.add(fields[column].strip());
            }
        }
        return new SentenceSource(description, sentences);
    }

    /**
     * Batch number {@code index} of size {@code size} when cycling through the sentences in order: batch k
     * holds sentences {@code k*size .. k*size+size-1}, wrapping around the end.
     */
    public List<String> batch(long index, int size) {
        List<String> batch = new ArrayList<>(size);
        long start = index * size;
        for (int i = 0; i < size; i++) {
            batch.add(sentences.get((int) ((start + i) % sentences.size())));
        }
        return batch;
    }
}
