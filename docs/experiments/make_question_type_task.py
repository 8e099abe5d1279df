#!/usr/bin/env python3
"""Makes the 'qtype' task: a question-type task (like TREC's) of a kind the builder was never tuned for.

The questions of QNLI's dev and test files in ../shared/datasets (SQuAD questions; QNLI's labels are not used),
each labeled by its first wh-word (what, who, how, when, which, where), with that word removed from the text:
the model must tell the kind of answer asked for from the rest ("... year did ..." asks when or what). Questions
with no wh-word or with 'why' (too few) are left out; duplicates too. Every class is capped at 900 training and
200 dev questions, seed 13; 'what' is the largest class, so the task stays imbalanced like real question sets.

    python3 docs/experiments/make_question_type_task.py ../shared/datasets/glue /tmp/qtype
"""
import random
import re
import sys

from make_genre_task import write_task

WH = ['what', 'who', 'how', 'when', 'which', 'where']


def questions(path):
    with open(path, encoding='utf-8') as f:
        rows = [line.rstrip('\n').split('\t') for line in f][1:]
    return [r[1] for r in rows if len(r) > 1]


def main(glue, out):
    random.seed(13)
    texts = list(dict.fromkeys(q.strip() for q in questions(f'{glue}/QNLI/dev.tsv') + questions(
        f'{glue}/QNLI/test.tsv') if q.strip()))
    by_label = {w: [] for w in WH}
    for q in texts:
        words = q.split()
        for i, word in enumerate(words):
            w = re.sub(r'[^a-z]', '', word.lower())
            if w in WH or w == 'why':
                if w in WH:
                    rest = ' '.join(words[:i] + words[i + 1:])
                    by_label[w].append(rest[:1].upper() + rest[1:])
                break
    train, dev = [], []
    for label, items in by_label.items():
        random.shuffle(items)
        n_dev = min(200, len(items) // 5)
        dev += [(t, label) for t in items[:n_dev]]
        train += [(t, label) for t in items[n_dev:n_dev + 900]]
    write_task(out, train, dev)
    for label, items in by_label.items():
        print(label, len(items), file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
