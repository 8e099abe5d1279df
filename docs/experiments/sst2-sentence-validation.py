"""Makes a sentence-level validation file out of SST-2's training file, for `skeleton build --validation`.

SST-2's train.tsv is mostly phrases of treebank sentences; its dev.tsv is whole sentences. A validation split held
out of the phrases misjudges skeletons (see the README). This takes 1,000 whole sentences of train.tsv (rows of 12
or more words that no other row contains) as validation.tsv, and writes train.tsv without them and without every row
that is a phrase of one of them, so no validation sentence is seen in training, whole or in part. dev.tsv is not read.

    python3 sst2-sentence-validation.py ../shared/datasets/glue/SST-2/train.tsv OUT_DIR
"""
import os
import random
import sys

source, out = sys.argv[1], sys.argv[2]
rows = [line.rstrip('\n').split('\t') for line in open(source, encoding='utf-8')]
header, rows = rows[0], rows[1:]
texts = [r[0].strip() for r in rows]
everything = '\n'.join(texts)
sentences = [i for i, t in enumerate(texts) if len(t.split()) >= 12 and everything.count(t) == 1]
random.seed(42)
validation = random.sample(sentences, 1000)
held = set(validation)
validation_text = '\n'.join(texts[i] for i in validation)
train = [i for i in range(len(rows)) if i not in held and texts[i] not in validation_text]
os.makedirs(out, exist_ok=True)
for name, indices in (('validation.tsv', validation), ('train.tsv', train)):
    with open(os.path.join(out, name), 'w', encoding='utf-8') as f:
        f.write('\t'.join(header) + '\n')
        for i in indices:
            f.write(rows[i][0] + '\t' + rows[i][1] + '\n')
print(f'{len(sentences)} whole sentences; validation {len(validation)}, train {len(train)} '
      f'({len(rows) - len(validation) - len(train)} phrases of validation sentences left out)')
