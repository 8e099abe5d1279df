package dev.skeleton.builder.search;

import dev.skeleton.builder.search.CandidateResult.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Finds the fastest candidate whose validation metric reaches a target with its noise margin to spare ({@link
 * Outcome#margin}), re-tuning as few candidates as it can. Candidates come sorted by speed ({@link SpeedModel}). The
 * search assumes what pruning experiments show: keeping fewer units never helps accuracy. So when a candidate reaches
 * the target, every slower one is settled (it cannot be the answer), and when one misses it, every candidate that
 * keeps less in both dimensions is settled too (it would miss as well). Each round tries the open candidate of median
 * speed, which settles about half of the rest either way: a handful of trials instead of the whole grid. When the
 * build's time limit comes, the candidates not tried yet are settled and the fastest one found within the budget so
 * far is chosen.
 *
 * <p>A trial is warm-started from the smallest candidate already within the budget that keeps everything the
 * new one keeps (gradual pruning: it only has to recover from the units removed since), else from the prompt
 * on the full model.
 */
public final class BudgetSearch {

    /** Re-tunes one candidate, starting from {@code warmStart}'s tuned parameters (null: the prompt). */
    @FunctionalInterface
    public interface Trial {
        Outcome run(Candidate candidate, Candidate warmStart);

        /** Whether another trial can still start (false once the build's time limit is near). */
        default boolean canStart() {
            return true;
        }
    }

    /** Why a trial ended. */
    public enum End {
        /** its validation metric stopped improving, or it used all its rounds */
        CONVERGED,
        /** its trend could not reach the target */
        DROPPED_EARLY,
        /** the build's time limit left no room for another round */
        OUT_OF_TIME,
        /** re-tuning met non-finite losses; its best round before that is kept */
        DIVERGED
    }

    /**
     * How a trial went.
     *
     * @param validation    validation metric of its best round, less {@code selectionBias}
     * @param selectionBias what the best round owes to having been chosen among the trial's rounds
     *                      ({@link SelectionBias}), already taken off {@code validation}
     * @param margin        how far above the target the metric must be to count as within the budget: the
     *                      allowance for the validation split's noise (0: none)
     * @param rounds        re-tuning rounds it ran
     * @param end           why it ended
     */
    public record Outcome(double validation, double selectionBias, double margin, int rounds, End end) {

        /** Whether it reached {@code target} with its margin to spare. */
        boolean reached(double target) {
            return validation - margin >= target - 1e-9;
        }
    }

    /**
     * One candidate's fate.
     *
     * @param outcome   its trial, or null when it was settled without one
     * @param warmStart what its trial started from (null: the prompt, or not tried)
     */
    public record Decision(Candidate candidate, Status status, Outcome outcome, Candidate warmStart) {}

    /**
     * @param decisions every candidate, in the order given (fastest first)
     * @param chosen    the fastest candidate within the budget, or null when none reached it
     */
    public record Result(List<Decision> decisions, Candidate chosen) {}

    private final double target;
    private final Consumer<String> log;

    /** @param target the validation metric a candidate must reach (the prompt's minus the allowed drop) */
    public BudgetSearch(double target, Consumer<String> log) {
        this.target = target;
        this.log = log;
    }

    public Result search(List<Candidate> fastestFirst, Trial trial) {
        List<Candidate> open = new ArrayList<>(fastestFirst);
        Map<Candidate, Decision> decided = new LinkedHashMap<>();
        List<Candidate> within = new ArrayList<>();
        Candidate chosen = null;
        long started = System.nanoTime();
        int trials = 0;
        while (!open.isEmpty()) {
            if (!trial.canStart()) {
                log.accept(open.size() + " candidates not tried: the build's time limit is reached");
                settle(open, decided, c -> true, Status.SKIPPED_TIME);
                break;
            }
            Candidate pick = open.get(open.size() / 2);
            Candidate warm = within.stream().filter(pick::within)
                    .min(Comparator.comparingDouble(c -> c.ffnKeep() + c.headKeep())).orElse(null);
            trials++;
            log.accept(String.format(Locale.ROOT, "candidate %d (at most %d to go): %s, warm-started from %s",
                    trials, open.size(), pick, warm == null ? "the prompt on the full model" : warm));
            Outcome outcome = trial.run(pick, warm);
            open.remove(pick);
            boolean reached = outcome.reached(target);
            if (reached) {
                within.add(pick);
                chosen = pick;
                int index = fastestFirst.indexOf(pick);
                settle(open, decided, c -> fastestFirst.indexOf(c) > index, Status.SKIPPED_SLOWER);
            } else if (outcome.end() == End.CONVERGED || outcome.end() == End.DROPPED_EARLY) {
                // a divergence says something about the optimizer, and a trial cut by the time limit nothing yet,
                // about what smaller candidates can reach
                settle(open, decided, c -> c.within(pick), Status.SKIPPED_SMALLER);
            }
            Status status = reached ? Status.WITHIN_BUDGET : switch (outcome.end()) {
                case CONVERGED -> Status.MISSED_BUDGET;
                case DROPPED_EARLY -> Status.DROPPED_EARLY;
                case OUT_OF_TIME -> Status.OUT_OF_TIME;
                case DIVERGED -> Status.DIVERGED;
            };
            decided.put(pick, new Decision(pick, status, outcome, warm));
            double perTrial = (System.nanoTime() - started) / 1e9 / trials;
            int likely = open.isEmpty() ? 0 : 1 + (int) Math.floor(Math.log(open.size()) / Math.log(2));
            log.accept(String.format(Locale.ROOT, "candidate %d: %s validation %.2f, %.2f with its noise margin "
                    + "(budget %.2f): %s; %d open, ETA about %s (at most %s)", trials, pick, 100 * outcome.validation(),
                    100 * (outcome.validation() - outcome.margin()), 100 * target,
                    // the report's "slower than the chosen one" is only known at the end: here it is the fastest yet
                    reached ? "within the budget, the fastest so far" : status.meaning(), open.size(),
                    minutes(likely * perTrial), minutes(open.size() * perTrial)));
        }
        if (chosen != null) {
            Decision d = decided.get(chosen);
            decided.put(chosen, new Decision(chosen, Status.CHOSEN, d.outcome(), d.warmStart()));
        }
        return new Result(fastestFirst.stream().map(decided::get).toList(), chosen);
    }

    private static void settle(List<Candidate> open, Map<Candidate, Decision> decided,
            Predicate<Candidate> rule, Status status) {
        for (Candidate c : List.copyOf(open)) {
            if (rule.test(c)) {
                open.remove(c);
                decided.put(c, new Decision(c, status, null, null));
            }
        }
    }

    private static String minutes(double seconds) {
        return String.format(Locale.ROOT, "%.0f min", Math.ceil(seconds / 60));
    }
}
