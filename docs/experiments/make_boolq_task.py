"""Splits SuperGLUE BoolQ's dev.jsonl (the only BoolQ file in ../shared/datasets) into a training part and a
held-out part, as for QNLI: the first 2,600 questions to train on, the other 670 to report on.

    python3 docs/experiments/make_boolq_task.py ../shared/datasets/superglue/BoolQ/dev.jsonl DIR

writes DIR/train.jsonl and DIR/eval.jsonl (fields question, passage, answer as in the source)."""
import json
import os
import sys

source, out = sys.argv[1], sys.argv[2]
rows = [json.loads(line) for line in open(source, encoding="utf-8")]
os.makedirs(out, exist_ok=True)
for name, part in (("train.jsonl", rows[:2600]), ("eval.jsonl", rows[2600:])):
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        for r in part:
            f.write(json.dumps({"question": r["question"], "passage": r["passage"], "answer": r["answer"]}) + "\n")
    print(name, len(part), "rows,", round(100 * sum(r["answer"] for r in part) / len(part), 2), "% true")
