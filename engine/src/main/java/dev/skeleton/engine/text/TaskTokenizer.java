package dev.skeleton.engine.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import dev.skeleton.avro.InputKind;
import dev.skeleton.avro.InputTemplate;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a task's inputs into token ids with the base model's Hugging Face tokenizer (through DJL): applies
 * the task's input template, truncates each input to the token budget left after the soft prompt
 * (longest-first for cross-encoded pairs; each text alone for SIAMESE ones), and pads the batch to its longest
 * member only. A SIAMESE input becomes two encoder rows, its text then its pair ({@link InputKinds}).
 */
public final class TaskTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final boolean ownsTokenizer;
    private final InputTemplate template;
    private final int maxTextTokens;

    /**
     * A tokenizer of its own, parsed from {@code tokenizerJson}.
     *
     * @param tokenizerJson the base model's tokenizer.json content
     * @param template      the task's input template
     * @param promptRows    soft prompt length; the text gets {@code template.maxTokens - promptRows} tokens
     */
    public TaskTokenizer(byte[] tokenizerJson, InputTemplate template, int promptRows) {
        this.template = template;
        this.maxTextTokens = template.getMaxTokens() - promptRows;
        this.tokenizer = SharedTokenizers.create(tokenizerJson, maxTextTokens);
        this.ownsTokenizer = true;
    }

    /** As above, on a tokenizer of {@code shared}, which stays open when this one closes. */
    public TaskTokenizer(SharedTokenizers shared, InputTemplate template, int promptRows) {
        this.template = template;
        this.maxTextTokens = template.getMaxTokens() - promptRows;
        this.tokenizer = shared.forMaxLength(maxTextTokens);
        this.ownsTokenizer = false;
    }

    /** Token budget for the text after the soft prompt, special tokens included. */
    public int maxTextTokens() {
        return maxTextTokens;
    }

    /** The task's input kind. */
    public InputKind kind() {
        return template.getKind();
    }

    /** Encoder rows per input: 2 for SIAMESE, else 1. */
    public int rowsPerInput() {
        return InputKinds.rowsPerInput(template.getKind());
    }

    /**
     * Tokens of each encoder row, unpadded, in input order: {@link #rowsPerInput()} rows per input (for SIAMESE the
     * text's, then the pair's).
     */
    public List<TokenizedText> tokenize(List<TextInput> inputs) {
        if (InputKinds.takesPair(template.getKind())) {
            for (TextInput in : inputs) {
                if (in.pair() == null) {
                    throw new IllegalArgumentException("this task classifies text pairs; an input has no text pair");
                }
            }
        }
        Encoding[] encodings;
        if (template.getKind() == InputKind.PAIR) {
            PairList<String, String> pairs = new PairList<>(inputs.size());
            for (TextInput in : inputs) {
                pairs.add(format(template.getTextFormat(), in.text()), format(template.getPairFormat(), in.pair()));
            }
            encodings = tokenizer.batchEncode(pairs);
        } else {
            List<String> texts = new ArrayList<>(inputs.size() * rowsPerInput());
            for (TextInput in : inputs) {
                texts.add(format(template.getTextFormat(), in.text()));
                if (template.getKind() == InputKind.SIAMESE) {
                    texts.add(format(template.getPairFormat(), in.pair()));
                }
            }
            encodings = tokenizer.batchEncode(texts);
        }
        List<TokenizedText> out = new ArrayList<>(encodings.length);
        for (Encoding e : encodings) {
            out.add(new TokenizedText(e.getIds(), e.getTypeIds(), e.exceedMaxLength()));
        }
        return out;
    }

    /** Tokens of each encoder row ({@link #tokenize}), padded to the longest of them. */
    public EncodedBatch encode(List<TextInput> inputs) {
        return EncodedBatch.pad(tokenize(inputs));
    }

    private static String format(String format, String text) {
        return format.replace("{}", text);
    }

    @Override
    public void close() {
        if (ownsTokenizer) {
            tokenizer.close();
        }
    }
}
