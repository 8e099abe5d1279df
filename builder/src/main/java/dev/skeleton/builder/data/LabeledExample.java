package dev.skeleton.builder.data;

import dev.skeleton.engine.text.TextInput;

/**
 * One training or evaluation example.
 *
 * @param input the text (and text pair)
 * @param label index into the task's label names
 * @param line  1-based line of the example in its file, for messages
 */
public record LabeledExample(TextInput input, int label, long line) {}
