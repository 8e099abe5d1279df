package dev.skeleton.builder.search;

/**
 * What the build learned about one candidate shape, for the report: its speed always, its metrics when it
 * was re-tuned.
 *
 * @param candidate     the shape
 * @param speed         its speed-up over the prompt on the full model, measured
 * @param fittedSpeedup its speed-up by the {@link SpeedModel} fitted to every candidate's timing, which ordered the
 *                      search (NaN when no model fitted)
 * @param status        what the search did with it
 * @param validation    metric on the validation split of its best re-tuning round, less {@code selectionBias} (NaN
 *                      when not tried)
 * @param selectionBias what the best round owed to having been chosen among its rounds (NaN when not tried)
 * @param margin        its noise margin: how far above the budget the validation metric had to be (NaN when not
 *                      tried)
 * @param dev           metric on the dev file, reported only, never used to choose (NaN when not tried)
 * @param rounds        re-tuning rounds it ran (0 when not tried)
 * @param warmStart     the candidate whose tuned prompt and head it started from, or null for the prompt on the
 *                      full model
 */
public record CandidateResult(Candidate candidate, Speed speed, double fittedSpeedup, Status status,
        double validation, double selectionBias, double margin, double dev, int rounds, Candidate warmStart) {

    /** A speed-up measured with interleaved repetitions: the median of paired ratios and their spread. */
    public record Speed(double median, double min, double max) {}

    /** What the search did with a candidate. */
    public enum Status {
        CHOSEN("shipped: the fastest within the budget"),
        WITHIN_BUDGET("within the budget, but slower than the chosen one"),
        MISSED_BUDGET("re-tuned until it stopped improving, below the budget"),
        DROPPED_EARLY("dropped early: its validation trend could not reach the budget"),
        OUT_OF_TIME("re-tuning stopped at the build's time limit, below the budget"),
        DIVERGED("re-tuning diverged (non-finite losses), below the budget"),
        SKIPPED_SLOWER("not tried: slower than a candidate within the budget"),
        SKIPPED_SMALLER("not tried: keeps less than a candidate that missed the budget"),
        SKIPPED_TIME("not tried: the build's time limit was reached");

        private final String meaning;

        Status(String meaning) {
            this.meaning = meaning;
        }

        public String meaning() {
            return meaning;
        }

        public boolean tried() {
            return this != SKIPPED_SLOWER && this != SKIPPED_SMALLER && this != SKIPPED_TIME;
        }
    }
}
