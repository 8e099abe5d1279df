package dev.skeleton.builder.data;

import dev.skeleton.engine.text.TextInput;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Which examples contain which, as whole words: {@code "a fine film"} contains {@code "fine film"} and
 * {@code "fine"}, not {@code "fin"}. Data sets of phrases (SST-2's training file holds every phrase of its parsed
 * sentences) and files with repeated rows hold examples inside others; a validation example that a training
 * example contains, or contains, was partly seen in training. A pair's texts count as one text.
 */
final class TextOverlap {

    private final String joined;

    /** An index of {@code examples}' texts. */
    TextOverlap(Collection<LabeledExample> examples) {
        // each text between a space and a newline-space, so a search for " text " matches whole words of one example
        this.joined = examples.stream().map(e -> " " + key(e.input()) + " ")
                .collect(Collectors.joining("\n", "\n", "\n"));
    }

    /** Whether the indexed examples hold {@code input} once at most, whole or inside another example. */
    boolean standalone(TextInput input) {
        String needle = " " + key(input) + " ";
        int first = joined.indexOf(needle);
        return first < 0 || joined.indexOf(needle, first + 1) < 0;
    }

    /** Whether {@code input} is one of the indexed examples, or words inside one. */
    boolean contains(TextInput input) {
        return joined.contains(" " + key(input) + " ");
    }

    private static String key(TextInput input) {
        // TSV fields hold no tab or newline, so neither joins two examples' words by accident
        String text = input.text().strip().replaceAll("\\s+", " ");
        return input.pair() == null ? text : text + "\t" + input.pair().strip().replaceAll("\\s+", " ");
    }
}
