#!/usr/bin/env python3
"""Makes the 'genre' task used to validate the builder on a task kind it was never tuned for.

Five classes, by where a sentence comes from in ../shared/datasets: grammar_example (CoLA), movie_review
(SST-2, 6+ words), question (QNLI questions), encyclopedia (QNLI Wikipedia sentences), news (MRPC). Every text is
lowercased and SST-2's tokenization undone, so no class is told apart by casing or spacing alone.
1,200 training and 300 dev sentences per class, seed 11.

    python3 docs/experiments/make_genre_task.py ../shared/datasets/glue /tmp/genre
"""
import random
import re
import sys


def tsv(path):
    with open(path, encoding='utf-8-sig') as f:
        return [line.rstrip('\n').split('\t') for line in f]


def normalize(text):
    text = text.lower()
    text = re.sub(r" ([.,!?;:%)])", r"\1", text)
    text = re.sub(r"([($]) ", r"\1", text)
    text = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text)
    return text.replace('`` ', '"').replace(" ''", '"').replace('-lrb- ', '(').replace(' -rrb-', ')')


def main(glue, out):
    random.seed(11)
    qnli = tsv(f'{glue}/QNLI/dev.tsv')[1:]
    mrpc = tsv(f'{glue}/MRPC/train.tsv')[1:]
    sources = [
        ('grammar_example', [r[3] for r in tsv(f'{glue}/CoLA/train.tsv') if len(r) > 3]),
        ('movie_review', [r[0] for r in tsv(f'{glue}/SST-2/train.tsv')[1:] if len(r[0].split()) >= 6]),
        ('question', [r[1] for r in qnli]),
        ('encyclopedia', [r[2] for r in qnli]),
        ('news', [r[3] for r in mrpc] + [r[4] for r in mrpc]),
    ]
    train, dev = [], []
    for name, texts in sources:
        texts = list(dict.fromkeys(t.strip() for t in texts if t.strip()))
        random.shuffle(texts)
        train += [(t, name) for t in texts[:1200]]
        dev += [(t, name) for t in texts[1200:1500]]
    write_task(out, [(normalize(t), label) for t, label in train], [(normalize(t), label) for t, label in dev])


def write_task(out, train, dev):
    """Writes train.tsv and dev.tsv (columns sentence, label) under out, each in a shuffled order."""
    for file, rows in [('train.tsv', train), ('dev.tsv', dev)]:
        random.shuffle(rows)
        with open(f'{out}/{file}', 'w') as f:
            f.write('sentence\tlabel\n')
            for text, label in rows:
                f.write(text.replace('\t', ' ') + '\t' + label + '\n')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
