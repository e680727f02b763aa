#!/usr/bin/env bash
# Manual A/B (not CI): dimba train steps/s with and without -XX:G1HeapRegionSize=32m, interleaved, each run after a quiet minute.
# Usage: WORK=DIR bench/g1-region-ab.sh   (results: bench/results/g1-region-2026-12-06.md)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${WORK:?set WORK to a folder holding init/ (init-model --preset shapes-64) and cache/ (dimba cache of the pre-training scenes)}"
for r in 1 2 3; do
  for who in default g32; do
    [[ $r == 2 ]] && { [[ $who == default ]] && who=g32 || who=default; }
    while awk '{exit !($1 > 0.5)}' /proc/loadavg; do sleep 10; done
    opts=""; [[ $who == g32 ]] && opts="-XX:G1HeapRegionSize=32m"
    rm -rf ab-run
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    start=$(date +%s.%N)
    JDK_JAVA_OPTIONS="$opts" "${DIMBA:-$here/dimba}" train --model init --data cache --out ab-run --steps 150 --batch 16 --lr 5e-4 --warmup-steps 100 --optimizer adamw --weight-decay 0 --max-grad-norm 1 --ema-decay 0.995 --save-every 1000 --seed 0 --device cpu > ab.log 2>&1
    end=$(date +%s.%N)
    rate=$(grep -o "train step 150/150.*steps/s" ab.log | grep -o "[0-9.]* steps/s")
    echo "round $r $who: load $load, wall $(echo "$end - $start" | bc) s, $rate"
  done
done
