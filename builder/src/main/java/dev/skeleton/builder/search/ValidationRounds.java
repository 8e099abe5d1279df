package dev.skeleton.builder.search;

import java.util.List;
import java.util.Map;

/**
 * Every prediction the search judged on the validation split, for auditing its choices afterwards (the luck of a
 * trial's best round, its noise margin, or another rule on the same rounds can be recomputed from them).
 *
 * @param gold   the validation split's labels, in its order
 * @param prompt the prompt on the full model's predictions
 * @param rounds per tried candidate, in the order tried: the predictions of its start (round 0) and of each judged
 *               round after it
 */
public record ValidationRounds(int[] gold, int[] prompt, Map<Candidate, List<int[]>> rounds) {}
