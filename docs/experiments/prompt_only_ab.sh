#!/bin/bash
# Prompt phase only of the default question-type build (README, "Batches of similar length"): s28.jar = main at
# 75a19c1 (random batches; built just before its last comment-only commits), s30.jar = main at 04e07e7 (batches of similar length), each run killed when attribution
# begins; prints the last prompt epoch (validation accuracy and loss) and when the prompt was kept. Run from /work/exp.
for seed in 8 7; do for jar in s28 s30; do
  d=/work/exp/abq-$jar-$seed; rm -rf $d; mkdir -p $d; cd $d
  java -Dai.djl.offline=true -jar /work/exp/$jar.jar build --task qtype --train /work/exp/qtype/train.tsv --dev /work/exp/qtype/dev.tsv --seed $seed --root $d/root --json > out.json 2> err.txt &
  pid=$!
  while ! grep -q "attribution" err.txt 2>/dev/null; do sleep 2; if ! kill -0 $pid 2>/dev/null; then break; fi; done
  kill $pid; wait $pid 2>/dev/null
  echo "$jar seed $seed: $(tr '\r' '\n' < err.txt | grep -E 'prompt epoch' | tail -1) | $(tr '\r' '\n' < err.txt | grep -E '^build.*prompt kept' | cut -c1-12)"
done; done
