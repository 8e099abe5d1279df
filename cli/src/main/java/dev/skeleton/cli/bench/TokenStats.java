package dev.skeleton.cli.bench;

import dev.skeleton.engine.runtime.TaskModel;
import dev.skeleton.engine.text.TextInput;
import java.util.List;

/**
 * Sequence lengths of the benchmark inputs as the engine computes them: counted with the task's own
 * tokenizer and template (special tokens included, soft prompt excluded), and after the engine's grouping of
 * a batch into runs of similar length, each padded to its longest member.
 */
final class TokenStats {

    private final TaskModel task;
    private final BenchInputs inputs;

    TokenStats(TaskModel task, BenchInputs inputs) {
        this.task = task;
        this.inputs = inputs;
    }

    /** Mean tokens per input (a pair: both texts), unpadded. */
    double meanTokens() {
        return meanPaddedTokens(1);
    }

    /** Mean tokens per input the encoder computes when inputs come in consecutive batches of {@code size}. */
    double meanPaddedTokens(int size) {
        int batches = (inputs.count() + size - 1) / size;
        long tokens = 0;
        long count = 0;
        for (int k = 0; k < batches; k++) {
            List<TextInput> batch = inputs.batch(k, size);
            tokens += task.paddedTokens(batch);
            count += batch.size();
        }
        return (double) tokens / count;
    }
}
