#!/usr/bin/env bash
# CAME (the paper's optimizer) against the recipe's AdamW: the hybrid pre-trained for STEPS steps with CAME, all else
# as tools/recipes/shapes-model.sh (cache, batch 16, lr 5e-4, warm-up 100, clipping 1, EMA 0.995, seed 0), then the
# mean loss of the last 100 steps of both runs (the AdamW run's first STEPS steps are the same bits whatever its
# length: warm-up then constant LR). About 15 min on 2 CPU cores. Run after shapes-model.sh on the same WORK_DIR.
# Usage: tools/recipes/shapes-came.sh [WORK_DIR] [STEPS=1200]   (resumes after a kill)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dimba="${DIMBA:-$here/dimba}"
work="$(cd "${1:-recipe-work}" && pwd)"
steps="${2:-1200}"
cd "$work"
[[ -d cache && -d init && -f pretrain/loss.csv ]] || { echo "run tools/recipes/shapes-model.sh $work first" >&2; exit 2; }
if [[ ! -d pretrain-came ]]; then
  "$dimba" train --model init --data cache --out pretrain-came --steps "$steps" --batch 16 --lr 5e-4 \
      --warmup-steps 100 --optimizer came --weight-decay 0 --max-grad-norm 1 --ema-decay 0.995 --save-every 200 \
      --keep-last 2 --seed 0 --device cpu
else
  "$dimba" train --resume pretrain-came --steps "$steps"
fi
mean() { awk -F, -v a=$((steps - 100)) -v b="$steps" 'NR > 1 && $1 > a && $1 <= b {s += $2; n++} END {if (n) printf "%.5f", s / n}' "$1"; }
echo "mean loss over steps $((steps - 99))-$steps: CAME $(mean pretrain-came/loss.csv), AdamW $(mean pretrain/loss.csv)"
