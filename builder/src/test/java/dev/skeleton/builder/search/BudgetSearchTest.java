package dev.skeleton.builder.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skeleton.builder.search.BudgetSearch.Decision;
import dev.skeleton.builder.search.BudgetSearch.Outcome;
import dev.skeleton.builder.search.CandidateResult.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The search's choices on a made-up grid where accuracy grows with what a candidate keeps. */
class BudgetSearchTest {

    private static final List<Double> FFN = List.of(0.1, 0.2, 0.3, 0.4, 0.5);
    private static final List<Double> HEADS = List.of(0.5, 0.75, 1.0);

    /** Speed falls with what is kept; accuracy rises with it. */
    private static double speed(Candidate c) {
        return 1 / (0.35 + 0.45 * c.ffnKeep() + 0.2 * c.headKeep());
    }

    private static double accuracy(Candidate c) {
        return 0.70 + 0.2 * c.ffnKeep() + 0.1 * c.headKeep();
    }

    private static List<Candidate> grid() {
        List<Candidate> all = new ArrayList<>();
        FFN.forEach(f -> HEADS.forEach(h -> all.add(new Candidate(f, h))));
        all.sort(Comparator.comparingDouble((Candidate c) -> -speed(c)));
        return all;
    }

    private record Recorded(List<Candidate> tried, List<Candidate> warmStarts) {}

    private static BudgetSearch.Result search(double target, ToDoubleFunction<Candidate> metric, Recorded record) {
        return new BudgetSearch(target, m -> { }).search(grid(), (c, warm) -> {
            record.tried().add(c);
            record.warmStarts().add(warm);
            return new Outcome(metric.applyAsDouble(c), 0, 0, 2, BudgetSearch.End.CONVERGED);
        });
    }

    @Test
    void shouldShipTheFastestCandidateWithinTheBudgetAfterFewTrials() {
        double target = 0.82;
        Recorded record = new Recorded(new ArrayList<>(), new ArrayList<>());

        BudgetSearch.Result result = search(target, BudgetSearchTest::accuracy, record);

        Candidate best = grid().stream().filter(c -> accuracy(c) >= target - 1e-9).findFirst().orElseThrow();
        assertThat(result.chosen()).as("the fastest candidate at or above %s", target).isEqualTo(best);
        assertThat(record.tried()).as("a handful of trials, not the whole grid of 15").hasSizeLessThanOrEqualTo(6);
        assertThat(result.decisions()).hasSize(15).extracting(Decision::candidate).containsExactlyElementsOf(grid());
        assertThat(result.decisions()).filteredOn(d -> d.status() == Status.CHOSEN).hasSize(1);
        for (Decision d : result.decisions()) {
            assertThat(d.outcome() != null).as("only tried candidates have an outcome: %s", d)
                    .isEqualTo(record.tried().contains(d.candidate()));
        }
    }

    @Test
    void shouldWarmStartFromACandidateWithinTheBudgetThatKeepsEverythingTheNewOneKeeps() {
        Recorded record = new Recorded(new ArrayList<>(), new ArrayList<>());

        search(0.80, BudgetSearchTest::accuracy, record);

        for (int i = 0; i < record.tried().size(); i++) {
            Candidate warm = record.warmStarts().get(i);
            if (warm != null) {
                assertThat(record.tried().get(i).within(warm)).as("%s warm-started from %s", record.tried().get(i),
                        warm)
                        .isTrue();
                assertThat(accuracy(warm)).as("warm starts come from candidates within the budget")
                        .isGreaterThanOrEqualTo(0.80);
            }
        }
        assertThat(record.warmStarts()).as("after a first success, trials build on it").anyMatch(w -> w != null);
    }

    @Test
    void shouldSettleSmallerCandidatesAfterAMissAndChooseNothingWhenNoneReaches() {
        Recorded record = new Recorded(new ArrayList<>(), new ArrayList<>());

        BudgetSearch.Result result = search(0.99, BudgetSearchTest::accuracy, record);

        assertThat(result.chosen()).isNull();
        assertThat(result.decisions()).extracting(Decision::status)
                .containsOnly(Status.MISSED_BUDGET, Status.SKIPPED_SMALLER);
        assertThat(record.tried()).as("the largest candidate is the last one to rule out")
                .contains(new Candidate(0.5, 1.0))
                .hasSizeLessThan(15);
    }

    @Test
    void shouldStopAtTheTimeLimitAndChooseTheFastestWithinTheBudgetSoFar() {
        List<Candidate> tried = new ArrayList<>();
        BudgetSearch.Trial twoTrialsOfTime = new BudgetSearch.Trial() {
            @Override
            public Outcome run(Candidate candidate, Candidate warmStart) {
                tried.add(candidate);
                return new Outcome(accuracy(candidate), 0, 0, 2, BudgetSearch.End.CONVERGED);
            }

            @Override
            public boolean canStart() {
                return tried.size() < 2;
            }
        };

        BudgetSearch.Result result = new BudgetSearch(0.80, m -> { }).search(grid(), twoTrialsOfTime);

        assertThat(tried).hasSize(2);
        Candidate fastestTried = grid().stream().filter(c -> tried.contains(c) && accuracy(c) >= 0.80)
                .findFirst().orElseThrow();
        assertThat(result.chosen()).isEqualTo(fastestTried);
        assertThat(result.decisions()).filteredOn(d -> d.status() == Status.SKIPPED_TIME).isNotEmpty()
                .allSatisfy(d -> assertThat(d.outcome()).isNull());
        assertThat(result.decisions()).extracting(Decision::status).doesNotContainNull();
    }

    @Test
    void shouldCountACandidateWithinTheBudgetOnlyWhenItClearsItByItsNoiseMargin() {
        Candidate small = new Candidate(0.1, 0.5);
        Candidate large = new Candidate(0.5, 1.0);
        // both are above the target of 0.90, but the small one by less than its margin
        BudgetSearch.Result result = new BudgetSearch(0.90, m -> { }).search(List.of(small, large),
                (c, warm) -> c.equals(small) ? new Outcome(0.91, 0, 0.02, 2, BudgetSearch.End.CONVERGED)
                        : new Outcome(0.93, 0, 0.02, 2, BudgetSearch.End.CONVERGED));

        assertThat(result.decisions()).extracting(Decision::status)
                .containsExactly(Status.MISSED_BUDGET, Status.CHOSEN);
        assertThat(result.chosen()).isEqualTo(large);
    }

    @Test
    void shouldCountADivergedTrialAsAMissWithoutSettlingSmallerCandidates() {
        Candidate large = new Candidate(0.5, 1.0);
        Candidate small = new Candidate(0.1, 0.5);
        BudgetSearch.Result result = new BudgetSearch(0.9, m -> { }).search(List.of(small, large),
                (c, warm) -> c.equals(large) ? new Outcome(0.5, 0, 0, 1, BudgetSearch.End.DIVERGED)
                        : new Outcome(0.95, 0, 0, 2, BudgetSearch.End.CONVERGED));

        assertThat(result.decisions()).extracting(Decision::status).containsExactly(Status.CHOSEN, Status.DIVERGED);
        assertThat(result.chosen()).as("the smaller candidate was still tried").isEqualTo(small);
    }

    @Test
    void shouldNotCountATrialCutByTheTimeLimitAsAMissOfTheCandidatesThatKeepLess() {
        Candidate large = new Candidate(0.3, 0.75);
        Candidate small = new Candidate(0.1, 0.5);
        List<Candidate> tried = new ArrayList<>();
        BudgetSearch.Trial outOfTime = new BudgetSearch.Trial() {
            @Override
            public Outcome run(Candidate candidate, Candidate warmStart) {
                tried.add(candidate);
                return new Outcome(0.5, 0, 0, 2, BudgetSearch.End.OUT_OF_TIME);
            }

            @Override
            public boolean canStart() {
                return tried.isEmpty();
            }
        };

        BudgetSearch.Result result = new BudgetSearch(0.9, m -> { }).search(List.of(small, large), outOfTime);

        assertThat(tried).containsExactly(large);
        assertThat(result.decisions()).extracting(Decision::status)
                .as("the smaller one was left for lack of time, not settled by the cut trial")
                .containsExactly(Status.SKIPPED_TIME, Status.OUT_OF_TIME);
    }

    @Test
    void shouldMarkATrialThatGaveUpEarly() {
        Map<Candidate, Outcome> outcomes = Map.of();
        BudgetSearch.Result result = new BudgetSearch(0.9, m -> { }).search(List.of(new Candidate(0.1, 1.0)),
                (c, warm) -> outcomes.getOrDefault(c, new Outcome(0.5, 0, 0, 1, BudgetSearch.End.DROPPED_EARLY)));

        assertThat(result.decisions().get(0).status()).isEqualTo(Status.DROPPED_EARLY);
        assertThat(result.chosen()).isNull();
    }

    @Test
    void shouldLogAReachedCandidateAsTheFastestSoFarNotAsSlowerThanTheChosenOne() {
        List<String> log = new ArrayList<>();
        new BudgetSearch(0.82, log::add).search(grid(),
                (c, warm) -> new Outcome(accuracy(c), 0, 0, 2, BudgetSearch.End.CONVERGED));

        List<String> reached = log.stream().filter(m -> m.contains("within the budget")).toList();
        assertThat(reached).isNotEmpty().allMatch(m -> m.contains("within the budget, the fastest so far"));
    }
}
