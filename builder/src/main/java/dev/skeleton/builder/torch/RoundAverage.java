package dev.skeleton.builder.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * The mean of a re-tuning trial's trainable parameters at the end of its last {@code window} rounds: stochastic
 * weight averaging (Izmailov et al., 2018), with the rounds' own warm-up-and-decay schedules as its cyclic learning
 * rate, over a trailing window so that the first rounds' recovery from the pruning drops out of it. Each round ends
 * at a rate of zero somewhere else in the same basin; on SST-2 the validation accuracy of successive round ends moved
 * by 1-3 points (83.1, 83.7, 85.1, 83.5, 85.7, 82.3), and the best of such a series is a lucky draw that did not hold
 * on dev (2026-12-06). Their mean is one model with less of that noise. A window of 1 is the last round itself.
 */
public final class RoundAverage implements AutoCloseable {

    private final NDManager manager;
    private final int window;
    private final Deque<List<NDArray>> snapshots = new ArrayDeque<>();

    public RoundAverage(NDManager parent, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("the window must hold at least one round, not " + window);
        }
        this.manager = parent.newSubManager();
        this.window = window;
    }

    /** Keeps a copy of {@code params}' trainable values (a round's end), forgetting the oldest beyond the window. */
    public void add(TaskParameters params) {
        snapshots.addLast(copy(params.trainable()));
        if (snapshots.size() > window) {
            snapshots.removeFirst().forEach(NDArray::close);
        }
    }

    /** Rounds in the mean now: up to the window. */
    public int rounds() {
        return snapshots.size();
    }

    /**
     * Runs {@code action} with {@code params} holding the mean of the kept round ends, then puts back what they held
     * before, so that training goes on from the last round and not from the mean.
     */
    public <T> T withMean(TaskParameters params, Supplier<T> action) {
        if (snapshots.isEmpty()) {
            throw new IllegalStateException("no round has been added");
        }
        List<NDArray> trainable = params.trainable();
        List<NDArray> current = copy(trainable);
        try {
            for (int i = 0; i < trainable.size(); i++) {
                try (NDArray mean = mean(i)) {
                    trainable.get(i).set(new NDIndex(":"), mean);
                }
            }
            return action.get();
        } finally {
            for (int i = 0; i < trainable.size(); i++) {
                trainable.get(i).set(new NDIndex(":"), current.get(i));
            }
            current.forEach(NDArray::close);
        }
    }

    private NDArray mean(int parameter) {
        NDArray sum = null;
        for (List<NDArray> snapshot : snapshots) {
            NDArray value = snapshot.get(parameter);
            if (sum == null) {
                sum = value.duplicate();
            } else {
                sum.addi(value);
            }
        }
        return sum.divi(snapshots.size());
    }

    private List<NDArray> copy(List<NDArray> arrays) {
        List<NDArray> copies = new ArrayList<>(arrays.size());
        for (NDArray a : arrays) {
            NDArray c = a.duplicate();
            c.attach(manager);
            copies.add(c);
        }
        return copies;
    }

    @Override
    public void close() {
        manager.close();
    }
}
