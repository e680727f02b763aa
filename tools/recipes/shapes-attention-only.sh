#!/usr/bin/env bash
# The paper's question at our scale: the attention-only stack (the DimbaBlocks alone, no Mamba layers) pre-trained with
# the hybrid's budget (same data cache, steps, batch, optimizer, seed). Run after tools/recipes/shapes-model.sh on the
# same WORK_DIR (about 35 min on 2 CPU cores); tools/recipes/shapes-eval.sh then adds the attention-only rows.
# Usage: tools/recipes/shapes-attention-only.sh [WORK_DIR]   (resumes after a kill, as shapes-model.sh does)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dimba="${DIMBA:-$here/dimba}"
source "$here/tools/recipes/lib.sh"
work="$(cd "${1:-recipe-work}" && pwd)"
seed=0
pretrain_steps="${PRETRAIN_STEPS:-4800}"
cd "$work"
[[ -d cache && -d vae-run/vae ]] || { echo "run tools/recipes/shapes-model.sh $work first" >&2; exit 2; }
# the same tokenizer, T5 and VAE as init/ (same seed), the same DimbaBlock tensors draw for draw, no mamba_blocks.*:
# the cache made with init/ serves it unchanged
[[ -d init-attn ]] || "$dimba" init-model --preset shapes-64 --seed $seed --vae vae-run/vae --attention-only ${T5_BIAS_STD:+--t5-bias-std "$T5_BIAS_STD"} -o init-attn
if [[ ! -d pretrain-attn ]]; then
  "$dimba" train --model init-attn --data cache --out pretrain-attn --steps "$pretrain_steps" --batch 16 --lr 5e-4 \
      --warmup-steps 100 --optimizer adamw --weight-decay 0 --max-grad-norm 1 --ema-decay 0.995 --save-every 200 \
      --keep-last 2 --seed $seed --device cpu
else
  "$dimba" train --resume pretrain-attn --steps "$pretrain_steps"
fi
export_ema "$(last pretrain-attn)" pretrain-attn-model
echo "done: $work/pretrain-attn-model" >&2
