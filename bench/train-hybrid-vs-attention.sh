#!/usr/bin/env bash
# Manual benchmark (not CI): training steps/s of the bundled model's hybrid stack against its attention-only twin,
# on the recipe's own cache and settings (batch 16, AdamW, EMA), the two alternating in fresh JVMs, ROUNDS times,
# STEPS steps each; medians. Run after tools/recipes/shapes-model.sh and shapes-attention-only.sh on WORK_DIR.
#   bench/train-hybrid-vs-attention.sh WORK_DIR [ROUNDS=3] [STEPS=60]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dimba="${DIMBA:-$here/dimba}"
work="$(cd "$1" && pwd)"; rounds="${2:-3}"; steps="${3:-60}"
[[ -d "$work/init" && -d "$work/init-attn" && -d "$work/cache" ]] || { echo "$work needs init/, init-attn/ and cache/" >&2; exit 2; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
rate() { # model -> steps/s of the run (the last progress line's figure: steps over the run's wall time)
  rm -rf "$tmp/run"
  "$dimba" train --model "$1" --data "$work/cache" --out "$tmp/run" --steps "$steps" --batch 16 --lr 5e-4 \
      --warmup-steps 100 --optimizer adamw --weight-decay 0 --max-grad-norm 1 --ema-decay 0.995 --save-every 100000 \
      --seed 0 --device cpu 2>&1 | sed -n 's/.* \([0-9.]*\) steps\/s.*/\1/p' | tail -1
}
hybrid=(); attention=()
for ((r = 0; r < rounds; r++)); do
  hybrid+=("$(rate "$work/init")"); attention+=("$(rate "$work/init-attn")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
h=$(median "${hybrid[@]}"); a=$(median "${attention[@]}")
awk -v h="$h" -v a="$a" -v s="$steps" 'BEGIN { printf "%d steps of batch 16, median steps/s: hybrid %.2f (%.3f s/step), attention-only %.2f (%.3f s/step); hybrid takes %.2fx the time\n", s, h, 1 / h, a, 1 / a, a / h }'
echo "rounds: hybrid ${hybrid[*]}; attention-only ${attention[*]}; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
