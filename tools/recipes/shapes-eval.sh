#!/usr/bin/env bash
# The bundled model's comparison table: every row is one `dimba eval` run on the held-out prompts (34 prompts x 4
# seeds for the main row, 2 for the others, to fit the 2-core budget), written to OUT_DIR/<row>.md and .json. Run after tools/recipes/shapes-model.sh.
# Usage: tools/recipes/shapes-eval.sh WORK_DIR OUT_DIR     (WORK_DIR as given to shapes-model.sh)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dimba="${DIMBA:-$here/dimba}"
source "$here/tools/recipes/lib.sh"
work="$(cd "$1" && pwd)"
out="$(mkdir -p "$2" && cd "$2" && pwd)"
stamp() { echo "[eval $(date -u +%H:%M:%S)] $*" >&2; }
row() { # row NAME SEEDS MODEL [eval flags...]
  local name="$1" seeds="$2" model="$3"; shift 3
  [[ -f "$out/$name.md" ]] && return
  stamp "$name"
  "$dimba" eval --model "$model" --seeds "$seeds" --device cpu -o "$out/$name.md" "$@"
}
# the pre-trained weights alone (EMA of the last pre-training checkpoint), exported as the final model is
export_ema "$(last "$work/pretrain")" "$work/pretrain-model"
m="$work/model"
row final-dpm20-g4.5      4 "$m" --steps 20 --guidance 4.5
row final-dpm20-g0        2 "$m" --steps 20 --guidance 0
row final-dpm20-g1        2 "$m" --steps 20 --guidance 1
row final-dpm20-g3        2 "$m" --steps 20 --guidance 3
row final-dpm20-g7        2 "$m" --steps 20 --guidance 7
row final-ddim50-g4.5     2 "$m" --steps 50 --guidance 4.5 --sampler ddim
row final-iddpm50-g4.5    2 "$m" --steps 50 --guidance 4.5 --sampler iddpm
row pretrain-dpm20-g4.5   2 "$work/pretrain-model" --steps 20 --guidance 4.5
row pretrain-dpm20-g1     2 "$work/pretrain-model" --steps 20 --guidance 1
row final-seen-dpm20-g4.5 2 "$m" --steps 20 --guidance 4.5 --prompts "$work/seen-prompts.jsonl"
if [[ -d "$work/adapt128-model" ]]; then
  row adapt128-dpm20-g4.5 2 "$work/adapt128-model" --steps 20 --guidance 4.5 --size 128
  row adapt128-dpm20-g1   2 "$work/adapt128-model" --steps 20 --guidance 1 --size 128
fi
# the hybrid-versus-attention comparison, at the pre-training stage of both (tools/recipes/shapes-attention-only.sh)
if [[ -d "$work/pretrain-attn-model" ]]; then
  row attention-pretrain-dpm20-g4.5 2 "$work/pretrain-attn-model" --steps 20 --guidance 4.5
  row attention-pretrain-dpm20-g1   2 "$work/pretrain-attn-model" --steps 20 --guidance 1
fi
stamp "done: $out"
