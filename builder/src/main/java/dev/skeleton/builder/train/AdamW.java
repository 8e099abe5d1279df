package dev.skeleton.builder.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter): Adam with decoupled weight decay, applied in place to a few parameters
 * after each backward pass. Written out because prompt tuning trains raw arrays (prompt, head), not a DJL
 * {@code Block}, and this is all the optimizer there is to it.
 */
final class AdamW {

    private final List<NDArray> params;
    private final List<NDArray> firstMoment = new ArrayList<>();
    private final List<NDArray> secondMoment = new ArrayList<>();
    private final float beta1 = 0.9f;
    private final float beta2 = 0.999f;
    private final float epsilon = 1e-8f;
    private final float weightDecay;
    private int step;

    AdamW(List<NDArray> params, float weightDecay) {
        this.params = params;
        this.weightDecay = weightDecay;
        for (NDArray p : params) {
            firstMoment.add(p.zerosLike());
            secondMoment.add(p.zerosLike());
        }
    }

    /** False when any gradient holds a NaN or an infinity. */
    boolean gradientsFinite() {
        for (NDArray p : params) {
            try (NDArray bad = p.getGradient().isNaN().logicalOr(p.getGradient().isInfinite()).any()) {
                if (bad.getBoolean()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Zeroes the gradients without updating (a dropped step). */
    void zeroGradients() {
        for (NDArray p : params) {
            // set, not g - g: NaN - NaN is NaN
            p.getGradient().set(new NDIndex(":"), 0f);
        }
    }

    /** One update with learning rate {@code lr} from the parameters' current gradients, which it then zeroes. */
    void step(float lr) {
        step++;
        float correction1 = 1 - (float) Math.pow(beta1, step);
        float correction2 = 1 - (float) Math.pow(beta2, step);
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            NDArray g = p.getGradient();
            NDArray m = firstMoment.get(i);
            NDArray v = secondMoment.get(i);
            try (NDArray gScaled = g.mul(1 - beta1); NDArray gSquared = g.square().muli(1 - beta2)) {
                m.muli(beta1).addi(gScaled);
                v.muli(beta2).addi(gSquared);
            }
            try (NDArray mHat = m.div(correction1);
                    NDArray vHat = v.div(correction2);
                    NDArray denom = vHat.sqrt().addi(epsilon);
                    NDArray update = mHat.divi(denom).muli(lr)) {
                if (weightDecay > 0) {
                    p.muli(1 - lr * weightDecay);
                }
                p.subi(update);
            }
        }
        zeroGradients();
    }
}
