/**
 * From text to token ids: {@link dev.skeleton.engine.text.TaskTokenizer} applies a skeleton's input template and
 * the base model's tokenizer (HuggingFace tokenizers through DJL), budgets the tokens left after the soft prompt,
 * and builds padded batches ({@link dev.skeleton.engine.text.EncodedBatch}).
 */
package dev.skeleton.engine.text;
