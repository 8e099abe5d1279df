package dev.skeleton.cli.bench;

import dev.skeleton.avro.InputKind;
import dev.skeleton.engine.graph.Precision;
import dev.skeleton.engine.runtime.TaskModel;

/**
 * One model under test.
 *
 * @param keep FFN keep ratio; 1.0 is the full model (prompt on the unpruned encoder)
 * @param deep whether the prompt is deep (an offset for the prompt positions before every later layer)
 * @param headKeep attention heads kept per layer (1.0: all)
 * @param input SINGLE texts, or pairs cross-encoded (PAIR) or encoded apart (SIAMESE)
 * @param precision fp32 or int8 layer matrices
 * @param prepacked whether its session pre-packed its weights (the engine's {@code prepackWeights})
 * @param task the loaded task
 */
record BenchVariant(double keep, double headKeep, boolean deep, InputKind input, Precision precision,
        boolean prepacked, TaskModel task) {

    /** "full", "deep" (the full model with a deep prompt) or "skeleton", as reported. */
    String name() {
        return deep ? "deep" : keep >= 1.0 ? "full" : "skeleton";
    }
}
