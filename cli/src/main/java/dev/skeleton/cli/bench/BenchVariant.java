package dev.skeleton.cli.bench;

import dev.skeleton.engine.runtime.TaskModel;

/**
 * One model under test.
 *
 * @param keep FFN keep ratio; 1.0 is the full model (prompt on the unpruned encoder)
 * @param task the loaded task
 */
record BenchVariant(double keep, TaskModel task) {

    boolean isFull() {
        return keep >= 1.0;
    }

    /** "full" or "skeleton", as reported. */
    String name() {
        return isFull() ? "full" : "skeleton";
    }
}
