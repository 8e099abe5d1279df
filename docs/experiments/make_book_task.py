#!/usr/bin/env python3
"""Makes the 'book' task: a task kind the builder was never tuned for (source attribution, 2026-12-07).

CoLA's training sentences are examples taken from linguistics publications, and its first column names the
publication. The task: which of the six largest sources a sentence was taken from (Kim and Sells 2008, Levin 1993,
Ross 1967, Adger 2003, Culicover 2013, Baltin and Collins 2001): each book's examples illustrate its own topics (verb
alternations in Levin's, island constraints in Ross's, ...), in its own vocabulary. CoLA's grammaticality labels are
not used. 6,357 sentences, split by source into 80% training and 20% dev, seed 13; duplicates within a source dropped.

    python3 docs/experiments/make_book_task.py ../shared/datasets/glue /tmp/book
"""
import random
import sys

from make_genre_task import tsv, write_task

BOOKS = {'ks08': 'kim_sells', 'l-93': 'levin', 'r-67': 'ross', 'ad03': 'adger', 'c_13': 'culicover',
         'bc01': 'baltin_collins'}


def main(glue, out):
    random.seed(13)
    by_book = {}
    for row in tsv(f'{glue}/CoLA/train.tsv'):
        if len(row) > 3 and row[0] in BOOKS:
            by_book.setdefault(BOOKS[row[0]], []).append(row[3].strip())
    train, dev = [], []
    for book, texts in by_book.items():
        texts = list(dict.fromkeys(texts))
        random.shuffle(texts)
        cut = int(len(texts) * 0.8)
        train += [(t, book) for t in texts[:cut]]
        dev += [(t, book) for t in texts[cut:]]
    write_task(out, train, dev)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
