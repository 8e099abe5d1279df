#!/usr/bin/env python3
"""Calibrates the budget search's noise margin on validation splits only, from builds' validation-rounds.tsv.

Each build writes every prediction its search judged on the validation split (skeletons/TASK/validation-rounds.tsv:
the gold labels, the prompt's, and each trial's rounds). This script takes a validation split as the population and
draws two independent samples of its size from it, with replacement, many times over: A plays the validation split,
B the unseen data (a dev file). On A it replays the search's acceptance rule for every trial: the trial's best round
on A, less the luck of choosing it among its rounds on A (the bootstrap optimism the builder subtracts), less k paired
standard errors of its difference to the prompt on A, against the prompt's value on A minus the budget. B, which chose
nothing, then says how the accepted round does on data that played no part in the choice: its drop against the prompt
on B. The population's own figures (the whole split's) are its true drop. So for each margin k it prints how often a
trial is accepted, and of the accepted ones how many lose more than the budget on B (what a dev file would show, its
noise included), how many truly do, and their mean true drop. The dev file is never read.

Two halves of the split instead of two resamples would be wrong: given the split, a half that flatters a trial leaves
the other half to disfavour it by as much, so every trial accepted on one half looks worse on the other than it is.

Accuracy only (the metric of every task it was run on). Usage:
    python3 calibrate_noise_margin.py [--max-drop 1.0] [--samples 200] FILE...
"""
import argparse
import os
import sys

import numpy as np


def read(path):
    gold, prompt, trials = None, None, {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or line.startswith("candidate\t"):
                continue
            name, _, labels = line.rstrip("\n").split("\t")
            values = np.array([int(x) for x in labels.split(",")])
            if name == "gold":
                gold = values
            elif name == "prompt":
                prompt = values
            else:
                trials.setdefault(name, []).append(values)
    return gold, prompt, {k: np.array(v) for k, v in trials.items()}


def luck(correct, rng, resamples):
    """Bootstrap optimism of the best row of `correct` (rounds x examples, 0/1), as the builder computes it."""
    rounds, n = correct.shape
    if rounds < 2:
        return 0.0
    on_split = correct.mean(axis=1)
    weights = rng.multinomial(n, np.full(n, 1 / n), size=resamples)  # resamples x n
    on_resample = weights @ correct.T / n  # resamples x rounds
    best = on_resample.argmax(axis=1)
    return max(0.0, float(np.mean(on_resample[np.arange(resamples), best] - on_split[best])))


def paired_se(prompt_correct, candidate_correct):
    """The standard error of the accuracy difference from the per-example differences: for accuracy the same figure
    the builder's paired bootstrap estimates, without its resampling."""
    d = prompt_correct.astype(float) - candidate_correct
    return float(d.std(ddof=1) / np.sqrt(len(d)))


def label(path):
    """A split's short name: its task (skeletons/TASK/validation-rounds.tsv) or its file name."""
    if "/skeletons/" in path:
        return path.split("/skeletons/")[-1].split("/")[0]
    return os.path.basename(path).removesuffix(".tsv")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--max-drop", type=float, default=1.0, help="the budget, in points")
    ap.add_argument("--samples", type=int, default=200, help="pairs of samples (A, B) drawn from each split")
    ap.add_argument("--resamples", type=int, default=300, help="bootstrap resamples for the luck on A")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    budget = args.max_drop / 100
    margins = [0.0, 0.25, 0.5, 0.75, 1.0]
    rng = np.random.default_rng(args.seed)
    rules = {"best round - luck - k SE": True, "best round - k SE (no luck correction)": False}
    # (file or "all", rule, k) -> [decisions, accepted, over the budget on B, truly over it, sum of true drops]
    tally = {}
    print("trials (full split): task file, candidate, rounds, best round, luck, paired SE, drop of best-luck (points)")
    for path in args.files:
        gold, prompt, trials = read(path)
        n = len(gold)
        p_correct = (prompt == gold).astype(float)
        # rounds x examples, 1 where a round's prediction is right: all the replay needs of a trial
        correct_by_trial = {name: (rounds == gold).astype(float) for name, rounds in trials.items()}
        for name, correct in correct_by_trial.items():
            values = correct.mean(axis=1)
            b = int(values.argmax())
            full_luck = luck(correct, rng, 1000)
            print(f"  {path}: {name}, {len(correct)} rounds, best {100 * values[b]:.2f}, luck {100 * full_luck:.2f}, "
                  f"SE {100 * paired_se(p_correct, correct[b]):.2f}, "
                  f"drop {100 * (p_correct.mean() - values[b] + full_luck):+.2f}")
        for _ in range(args.samples):
            a, bh = rng.integers(0, n, n), rng.integers(0, n, n)
            for correct in correct_by_trial.values():
                on_a = correct[:, a].mean(axis=1)
                best = int(on_a.argmax())
                luck_a = luck(correct[:, a], rng, args.resamples)
                se_a = paired_se(p_correct[a], correct[best, a])
                target_a = p_correct[a].mean() - budget
                drop_b = p_correct[bh].mean() - correct[best, bh].mean()
                true_drop = p_correct.mean() - correct[best].mean()  # the population's: the whole split's
                for rule, corrected in rules.items():
                    for k in margins:
                        accepted = on_a[best] - (luck_a if corrected else 0) - k * se_a >= target_a - 1e-9
                        for scope in (path, "all"):
                            t = tally.setdefault((scope, rule, k), [0, 0, 0, 0, 0.0])
                            t[0] += 1
                            if accepted:
                                t[1] += 1
                                t[2] += drop_b > budget
                                t[3] += true_drop > budget
                                t[4] += true_drop
    print(f"\n{args.samples} samples A, B of each split; every trial judged on each A; budget {args.max_drop} points")
    print("| split | rule | k | accepted on A | of those, drop on B > budget | truly over the budget | mean true drop |")
    print("|---|---|---|---|---|---|---|")
    scopes = list(dict.fromkeys(scope for scope, _, _ in tally))
    for (scope, rule, k), (decisions, acc, over, truly, drops) in sorted(tally.items(), key=lambda e: scopes.index(e[0][0])):
        share = (lambda x: f"{100 * x / acc:.0f}%") if acc else (lambda x: "-")
        mean = f"{100 * drops / acc:.2f}" if acc else "-"
        print(f"| {label(scope)} | {rule} | {k} | {100 * acc / decisions:.0f}% | {share(over)} | {share(truly)} | {mean} |")


if __name__ == "__main__":
    sys.exit(main())
