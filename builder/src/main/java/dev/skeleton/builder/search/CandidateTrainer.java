package dev.skeleton.builder.search;

import ai.djl.ndarray.NDManager;
import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.builder.data.LabeledExample;
import dev.skeleton.builder.torch.RoundAverage;
import dev.skeleton.builder.torch.TaskParameters;
import dev.skeleton.builder.torch.TorchEncoder;
import dev.skeleton.builder.torch.TorchLayer;
import dev.skeleton.builder.train.Attribution;
import dev.skeleton.builder.train.Evaluation;
import dev.skeleton.builder.train.GlueMetric;
import dev.skeleton.builder.train.Localization;
import dev.skeleton.builder.train.PairedBootstrap;
import dev.skeleton.builder.train.PromptTuner;
import dev.skeleton.builder.train.Targets;
import dev.skeleton.builder.train.TrainingDivergedException;
import dev.skeleton.builder.train.TrainingListener;
import dev.skeleton.builder.train.TrainingOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Re-tunes candidate skeletons for the {@link BudgetSearch}: localizes the candidate's units from the attribution
 * scores, copies the prompt and head it warm-starts from, and re-tunes them in rounds (a pass over a window of
 * the training split, with its own learning-rate warm-up and decay) until the validation metric stops improving
 * (early stopping: {@link #PATIENCE} rounds in a row without a new best end it, once it has run {@link #minRounds}).
 * With {@code halveRate}, a round without a new best halves the peak learning rate of the rounds after it, and a
 * warm-started trial starts at the rate its warm start ended with: each round restarts its schedule at its peak
 * rate, and at the full rate a round knocked a skeleton that was already tuned off its best (on SST-2 every
 * warm-started trial lost 1-5 points of validation accuracy in its first round, 2026-12-06); such a trial is not
 * dropped early before a round at a lowered rate ({@link #mayDrop}). Not the default: on a small task (four rounds
 * per trial) the halving cut rounds that the full rate would have used, and on SST-2's leak-free split no shape
 * cleared the budget with it (README). It gives up early when the candidate cannot be expected to reach the target
 * any more ({@link #reachable}), starts no round that would end after the build's {@link TimeLimit}, and ends a
 * candidate whose re-tuning diverged. The parameters of each candidate's best round are kept, so the chosen one
 * ships as validated. With {@code averageRounds} above 1, what is judged after each round, and kept when best, is the
 * mean of the parameters at the end of the last rounds ({@link RoundAverage}), not the last round alone.
 *
 * <p>A candidate is judged by its best round's validation metric less the luck of having chosen that round among
 * the trial's rounds ({@link SelectionBias}): the best of several measurements on the same examples is optimistic.
 * The outcome carries a noise margin: {@code noiseMargin} standard errors of the difference between the prompt's
 * validation metric and the best round's, by the {@link PairedBootstrap}. The search counts a candidate within the
 * budget only when its metric minus that margin reaches the target. Without it, the fastest candidate that happens
 * to be lucky on the validation split ships: the best of several rounds, of the fastest of several candidates, is an
 * optimistic estimate, and on splits of 750-1,000 examples one standard error is most of a one-point budget.
 */
public final class CandidateTrainer implements BudgetSearch.Trial {

    /** Builds the skeleton of some parameters and kept units (null lists keep everything). */
    @FunctionalInterface
    public interface SkeletonMaker {
        TaskSkeleton make(TaskParameters params, List<List<Integer>> ffnKept, List<List<Integer>> headsKept);
    }

    /**
     * How candidates are re-tuned.
     *
     * @param training     optimizer settings (epochs are ignored: rounds count instead)
     * @param roundSize    training examples per round
     * @param maxRounds    rounds at most per candidate
     * @param timeLimit    when the build has to end
     * @param ffnRank      rank of the low-rank update of a pruned FFN's kept weights trained with the prompt and
     *                     head; 0 = none
     * @param halveRate    halve the rate after each round without a new best (see the class comment)
     * @param averageRounds judge and keep the mean of the parameters at the end of the last this many rounds
     *                     ({@link RoundAverage}); 1 = the last round itself
     */
    public record Schedule(TrainingOptions training, int roundSize, int maxRounds, TimeLimit timeLimit,
            int ffnRank, boolean halveRate, int averageRounds) {}

    private final NDManager manager;
    private final TorchEncoder encoder;
    private final PromptTuner tuner;
    private final Attribution.Scores scores;
    private final Localization.Scope scope;
    private final TaskSkeleton prompt;
    private final SkeletonMaker maker;
    private final List<LabeledExample> train;
    private final Targets targets;
    private final List<LabeledExample> validation;
    /** The validation split's gold labels, in its order: what every validation prediction is scored against. */
    private final int[] gold;
    private final GlueMetric metric;
    private final Schedule schedule;
    private final Evaluation promptValidation;
    private final double target;
    private final double noiseMargin;
    private final TrainingListener listener;
    /**
     * Rounds in a row without a new best that end a candidate's re-tuning: one is too few on small validation
     * splits, where a round's metric moves by a point or two either way (seen on CoLA's Matthews correlation).
     */
    static final int PATIENCE = 2;

    private final Map<Candidate, TaskSkeleton> bestSkeletons = new HashMap<>();
    /** Each tried candidate's judged rounds' validation predictions, in the order tried. */
    private final Map<Candidate, List<int[]>> judged = new LinkedHashMap<>();
    /** The peak learning rate each tried candidate's rounds had reached when its trial ended. */
    private final Map<Candidate, Float> finalRates = new HashMap<>();
    private int cursor;
    /** Seconds the slowest round so far took: what the next one is expected to need at most. */
    private double roundSeconds;

    public CandidateTrainer(NDManager manager, TorchEncoder encoder, PromptTuner tuner, Attribution.Scores scores,
            Localization.Scope scope, TaskSkeleton prompt, SkeletonMaker maker, List<LabeledExample> train,
            Targets targets, List<LabeledExample> validation, GlueMetric metric, Schedule schedule,
            Evaluation promptValidation, double target, double noiseMargin, TrainingListener listener) {
        this.manager = manager;
        this.encoder = encoder;
        this.tuner = tuner;
        this.scores = scores;
        this.scope = scope;
        this.prompt = prompt;
        this.maker = maker;
        this.train = train;
        this.targets = targets;
        this.validation = validation;
        this.gold = PromptTuner.gold(validation);
        this.metric = metric;
        this.schedule = schedule;
        this.promptValidation = promptValidation;
        this.target = target;
        this.noiseMargin = noiseMargin;
        this.listener = listener;
    }

    @Override
    public BudgetSearch.Outcome run(Candidate candidate, Candidate warmStart) {
        List<List<Integer>> ffnKept = ffnKept(candidate);
        List<List<Integer>> headsKept = headsKept(candidate);
        List<TorchLayer> layers = encoder.layers(headsKept, ffnKept);
        TaskSkeleton start = warmStart == null ? prompt : bestSkeletons.get(warmStart);
        try (TaskParameters params = TaskParameters.of(manager, start, ffnKept);
                RoundAverage average = new RoundAverage(manager, schedule.averageRounds())) {
            if (schedule.ffnRank() > 0 && ffnKept != null && params.ffnAdapter(0) == null) {
                // the warm start had none (the prompt): start one at zero; a warm start's own is carried over
                params.addFfnAdapters(layers, schedule.ffnRank(), schedule.training().seed());
            }
            Evaluation best = tuner.score(params, layers, validation, metric);
            List<int[]> judgedRounds = new ArrayList<>(List.of(best.predicted()));
            TaskSkeleton bestSkeleton = maker.make(params, ffnKept, headsKept);
            listener.epoch(candidate + " before re-tuning", 0, schedule.maxRounds(), Double.NaN, best.value(),
                    best.loss());
            double firstRound = Double.NaN;
            float rate = warmStart == null ? schedule.training().learningRate() : finalRates.get(warmStart);
            boolean loweredRateTried = false;
            int rounds = 0;
            int stale = 0;
            BudgetSearch.End end = BudgetSearch.End.CONVERGED;
            int minRounds = minRounds(schedule.averageRounds());
            while (rounds < schedule.maxRounds() && (stale < PATIENCE || rounds < minRounds)) {
                if (rounds > 0 && !schedule.timeLimit().fits(roundSeconds)) {
                    end = BudgetSearch.End.OUT_OF_TIME;
                    break;
                }
                rounds++;
                String phase = String.format(Locale.ROOT, "%s, round %d/%d (learning rate %.2g)", candidate, rounds,
                        schedule.maxRounds(), rate);
                long roundStart = System.nanoTime();
                Evaluation value;
                try {
                    // when averaging, the last round alone is not judged: one evaluation per round, of the mean
                    value = tuner.train(phase, params, layers, nextRound(), targets,
                            averaging(rounds) ? List.of() : validation, metric,
                            schedule.training().withEpochs(1).withLearningRate(rate), listener);
                } catch (TrainingDivergedException e) {
                    // bestSkeleton is a copy of the best round before the failed one, which is what ships
                    end = BudgetSearch.End.DIVERGED;
                    break;
                }
                if (averaging(rounds)) {
                    average.add(params);
                    value = average.withMean(params, () -> tuner.score(params, layers, validation, metric));
                    listener.epoch(String.format(Locale.ROOT, "%s, mean of the last %d round(s)", candidate,
                            average.rounds()), 0, schedule.maxRounds(), Double.NaN, value.value(),
                            value.loss());
                }
                roundSeconds = Math.max(roundSeconds, (System.nanoTime() - roundStart) / 1e9);
                loweredRateTried |= rate < schedule.training().learningRate();
                if (rounds == 1) {
                    firstRound = value.value();
                }
                judgedRounds.add(value.predicted());
                if (value.value() > best.value()) {
                    stale = 0;
                    best = value;
                    bestSkeleton = averaging(rounds)
                            ? average.withMean(params, () -> maker.make(params, ffnKept, headsKept))
                            : maker.make(params, ffnKept, headsKept);
                } else {
                    stale++;
                    if (schedule.halveRate()) {
                        rate /= 2;
                    }
                }
                if (mayDrop(rounds, minRounds, schedule.halveRate(), loweredRateTried)) {
                    double needed = target + margin(best);
                    if (best.value() < needed && reachable(best.value(), firstRound, rounds) < needed) {
                        end = BudgetSearch.End.DROPPED_EARLY;
                        break;
                    }
                }
            }
            bestSkeletons.put(candidate, bestSkeleton);
            judged.put(candidate, judgedRounds);
            finalRates.put(candidate, rate);
            double luck = SelectionBias.of(metric, gold, judgedRounds, schedule.training().seed());
            listener.epoch(String.format(Locale.ROOT, "%s, best of %d rounds %.2f, less the luck of choosing it",
                    candidate, judgedRounds.size(), 100 * best.value()), 0, schedule.maxRounds(), Double.NaN,
                    best.value() - luck, Double.NaN);
            return new BudgetSearch.Outcome(best.value() - luck, luck, margin(best), rounds, end);
        }
    }

    /**
     * Whether round {@code round} of a trial is judged and kept as the mean of the last rounds rather than as itself:
     * from the second round on. The first round recovers from the pruning (on a question-type task from 60 to 69 in
     * one round) and ends far from the later ones, whose mean it would drag down: with it in the mean, a search on
     * that task shipped nothing where one without averaging shipped 1.53x (2026-12-06).
     */
    private boolean averaging(int round) {
        return schedule.averageRounds() > 1 && round > 1;
    }

    /**
     * Rounds every trial runs before it may stop or be dropped: until the first round judged as the mean of a full
     * window of {@code averageRounds} rounds (from the second round on), else two. Before that, what is judged is a
     * single round or the mean of fewer, which moves by a point or more from one round to the next: on SST-2, where
     * re-tuning climbs by about 0.25 points a round for a dozen rounds, trials whose second round came out below
     * their first were dropped after two rounds as having no trend, FFN 0.5 x heads 0.75 among them at 82.60, while
     * FFN 0.3 x heads 0.75, which keeps less, climbed from the same prompt from 82.80 to 85.90 (2026-12-07).
     */
    static int minRounds(int averageRounds) {
        return averageRounds > 1 ? averageRounds + 1 : 2;
    }

    /**
     * Whether a trial's trend may already be judged: after {@code minRounds} rounds, and with {@code halveRate}
     * only once a round has run at a lowered rate, since the rounds at the full rate do not show what a lower one
     * reaches (on SST-2 the shipped shape climbed from 80.6 to 84.2 in its rounds at a half and a quarter of the
     * rate, while three faster shapes were dropped after two rounds at the full rate, 2026-12-06).
     */
    static boolean mayDrop(int rounds, int minRounds, boolean halveRate, boolean loweredRateTried) {
        return rounds >= minRounds && (!halveRate || loweredRateTried);
    }

    /** A trial needs at least one round: it starts only when the slowest round so far still fits. */
    @Override
    public boolean canStart() {
        return schedule.timeLimit().fits(roundSeconds);
    }

    /** {@code noiseMargin} paired standard errors of the candidate's difference to the prompt on validation. */
    private double margin(Evaluation candidate) {
        return noiseMargin == 0 ? 0 : noiseMargin * PairedBootstrap.standardError(metric, gold,
                promptValidation.predicted(), candidate.predicted(), schedule.training().seed());
    }

    /**
     * The most a candidate can still be expected to reach: its best, plus its mean gain per round since the first
     * round (the first round's jump is recovery from the pruning, not a trend) for every round left, plus one
     * standard error of the validation metric, since a round's value moves by about that much by luck.
     */
    private double reachable(double bestMetric, double firstRound, int rounds) {
        double meanGain = Math.max(0, (bestMetric - firstRound) / (rounds - 1));
        return bestMetric + meanGain * (schedule.maxRounds() - rounds) + metric.chanceStandardError(validation.size());
    }

    /** The parameters of a tried candidate's best round, as a skeleton. */
    public TaskSkeleton best(Candidate candidate) {
        TaskSkeleton s = bestSkeletons.get(candidate);
        if (s == null) {
            throw new IllegalArgumentException(candidate + " was not tried");
        }
        return s;
    }

    /** Every prediction the trials so far judged on the validation split. */
    public ValidationRounds validationRounds() {
        return new ValidationRounds(gold, promptValidation.predicted(), new LinkedHashMap<>(judged));
    }

    public List<List<Integer>> ffnKept(Candidate c) {
        return c.ffnKeep() >= 1 ? null : Localization.select(scores.ffn(), c.ffnKeep(), scope, 1);
    }

    public List<List<Integer>> headsKept(Candidate c) {
        return c.headKeep() >= 1 ? null : Localization.select(scores.heads(), c.headKeep(), scope, 1);
    }

    /** The next window of the training split, wrapping around, so successive rounds see new examples. */
    private List<LabeledExample> nextRound() {
        int size = Math.min(schedule.roundSize(), train.size());
        if (cursor + size > train.size()) {
            cursor = 0;
        }
        List<LabeledExample> round = train.subList(cursor, cursor + size);
        cursor += size;
        return round;
    }
}
