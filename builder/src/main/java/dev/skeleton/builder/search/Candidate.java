package dev.skeleton.builder.search;

import java.util.Locale;

/**
 * One skeleton shape the budget search considers: the share of FFN neurons and of attention heads kept.
 * Shapes are localized from the same attribution scores, so a candidate that keeps at most what another keeps
 * in both dimensions holds a subset of its units ({@link #within}).
 *
 * @param ffnKeep  share of FFN neurons kept per layer, (0, 1]
 * @param headKeep share of attention heads kept per layer, (0, 1]
 */
public record Candidate(double ffnKeep, double headKeep) {

    /** The whole model: nothing removed. */
    public static final Candidate FULL = new Candidate(1, 1);

    public Candidate {
        if (!(ffnKeep > 0 && ffnKeep <= 1 && headKeep > 0 && headKeep <= 1)) {
            throw new IllegalArgumentException("keep ratios must be in (0, 1], got FFN " + ffnKeep
                    + ", heads " + headKeep);
        }
    }

    /** Whether this shape keeps no more than {@code other} in either dimension. */
    public boolean within(Candidate other) {
        return ffnKeep <= other.ffnKeep && headKeep <= other.headKeep;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "FFN %.2f x heads %.2f", ffnKeep, headKeep);
    }
}
