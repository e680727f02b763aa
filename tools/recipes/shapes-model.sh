#!/usr/bin/env bash
# The bundled model's whole recipe, from a fresh clone, with dimba4j alone (no Python):
#   data -> VAE -> model folder -> latent/feature cache -> Dimba pre-training -> quality tuning -> eval.
# Usage: tools/recipes/shapes-model.sh [WORK_DIR]   (default: ./recipe-work; see models/shapes-64/README.md for the time)
# T5_BIAS_STD=1 gives the frozen text encoder a position bias that keeps word order (the model card's text-encoder rows).
# TRAIN_TEXT_ENCODER=1 trains the text encoder jointly with the denoiser in every stage (dimba train --train-text-encoder).
# Every stage resumes: run the script again after a kill and it continues where it stopped (finished stages are
# skipped, train and train-vae resume from their newest checkpoint). The result is WORK_DIR/model, the folder that
# models/shapes-64 holds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dimba="${DIMBA:-$here/dimba}"
source "$here/tools/recipes/lib.sh"
export DIMBA="$dimba"   # for shapes-eval.sh
work="$(mkdir -p "${1:-recipe-work}" && cd "${1:-recipe-work}" && pwd)"
seed=0
pretrain_steps="${PRETRAIN_STEPS:-4800}"
tune_steps="${TUNE_STEPS:-150}"
adapt_steps="${ADAPT_STEPS:-150}"
cd "$work"
stamp() { echo "[recipe $(date -u +%H:%M:%S)] $*" >&2; }
joint=(); [[ -n "${TRAIN_TEXT_ENCODER:-}" ]] && joint=(--train-text-encoder)

# 1. data: 20000 training scenes at 64 px (the held-out combinations never appear; see data64/heldout.json) and
#    2000 more from another seed for the quality-tuning pool
[[ -d data64 ]] || { stamp "dataset"; "$dimba" dataset shapes --count 20000 --size 64 --seed $seed -o data64; }
[[ -d pool ]] || "$dimba" dataset shapes --count 2000 --size 64 --seed 1 -o pool

# 2. the VAE (4x down, 16 x 16 x 4 latents), 800 updates of batch 8; the last 64 images are held out for its PSNR
[[ -f vae-run/eval.json ]] || { stamp "train-vae"; "$dimba" train-vae --data data64 -o vae-run --steps 800 --batch 8 \
    --lr 2e-3 --warmup 50 --checkpoint-every 200 --holdout 64 --seed $seed --device cpu; }

# 3. the model folder: closed-vocabulary tokenizer, random frozen T5, the trained VAE, official-init Dimba
[[ -d init ]] || "$dimba" init-model --preset shapes-64 --seed $seed --vae vae-run/vae ${T5_BIAS_STD:+--t5-bias-std "$T5_BIAS_STD"} -o init

# 4. a subset folder of links: the first N images of a dataset, or the pool's images whose caption has a relation
subset() { # subset SRC DST FILTER-REGEX MAX [invert]: the lines that match (or, with invert, do not)
  local src="$1" dst="$2" re="$3" max="$4" inv=0
  [[ "${5:-}" == invert ]] && inv=1
  [[ -d "$dst" ]] && return
  rm -rf "$dst.tmp"; mkdir -p "$dst.tmp"
  # awk, not grep | head: under pipefail, head closing the pipe early would fail the script
  awk -v re="$re" -v max="$max" -v inv=$inv '(inv ? $0 !~ re : $0 ~ re) && n < max { print; n++ }' "$src/metadata.jsonl" > "$dst.tmp/metadata.jsonl"
  sed 's/.*"file_name":"\([^"]*\)".*/\1/' "$dst.tmp/metadata.jsonl" | while read -r f; do ln -sf "$src/$f" "$dst.tmp/$f"; done
  mv "$dst.tmp" "$dst"
}
subset "$work/data64" train6k '.' 6000
subset "$work/pool" curated '"text":"[^"]* (left|right|above|below|over|under|beneath) ' 1000
# the quality-tuning eval set: 128 pool scenes that are not in the curated set (no relation)
subset "$work/pool" tune-eval '"text":"[^"]* (left|right|above|below|over|under|beneath) ' 128 invert
# in-distribution prompts (the first 40 training captions with their scene specs) beside the held-out ones
[[ -f seen-prompts.jsonl ]] || paste -d'\t' <(sed 's/.*"text":"\([^"]*\)".*/\1/' data64/metadata.jsonl) \
    <(sed 's/.*"spec":\(.*\),"background".*/\1/' data64/scenes.jsonl) \
    | awk -F'\t' 'NR <= 40 {printf "{\"prompt\":\"%s\",\"spec\":%s}\n", $1, $2}' > seen-prompts.jsonl
[[ -d cache ]] || { stamp "cache"; "$dimba" cache --model init --data train6k -o cache --device cpu; }
[[ -d cache-curated ]] || "$dimba" cache --model init --data curated -o cache-curated --device cpu
[[ -d cache-tune-eval ]] || "$dimba" cache --model init --data tune-eval -o cache-tune-eval --device cpu

# 5. pre-training at 64 px: AdamW (the model card compares CAME over the first 1200 steps), EMA 0.995 (a 200-step horizon: the run is short)
if [[ ! -d pretrain ]]; then
  stamp "pretrain"
  "$dimba" train --model init --data cache --out pretrain --steps "$pretrain_steps" --batch 16 --lr 5e-4 \
      --warmup-steps 100 --optimizer adamw --weight-decay 0 --max-grad-norm 1 --ema-decay 0.995 --save-every 200 \
      --keep-last 2 --seed $seed --device cpu "${joint[@]}"
else
  "$dimba" train --resume pretrain --steps "$pretrain_steps"
fi

# 6. quality tuning on the curated relation scenes, from the pre-trained weights
if [[ ! -d tune ]]; then
  stamp "quality-tune"
  "$dimba" train --model "$(last pretrain)" --data cache-curated --out tune --stage quality-tune --steps "$tune_steps" \
      --eval-every 50 --eval-data cache-tune-eval --patience 2 --batch 16 --lr 1e-4 --warmup-steps 10 --optimizer adamw --weight-decay 0 --max-grad-norm 1 --ema-decay 0.99 \
      --save-every 50 --seed $seed --device cpu "${joint[@]}"
else
  "$dimba" train --resume tune --steps "$tune_steps"
fi

# 7. the model: the tuned checkpoint's EMA weights in a model folder, and the eval tables
export_ema "$(last tune)" model
# 8. resolution adaptation (the paper's second stage, here after tuning so that models/shapes-64 stays 64 px): the
#    model moved to 128 px (32 x 32 latents, 256 tokens) with its position embedding interpolated, fine-tuned on
#    3000 scenes rendered at 128 px (read and encoded online: no cache at this size)
[[ -d data128 ]] || "$dimba" dataset shapes --count 3000 --size 128 --seed $seed -o data128
if [[ ! -d adapt128 ]]; then
  stamp "adapt-resolution"
  "$dimba" train --stage adapt-resolution --from model --size 128 --data data128 --out adapt128 --steps "$adapt_steps" \
      --batch 8 --lr 1e-4 --warmup-steps 10 --optimizer adamw --weight-decay 0 --max-grad-norm 1 --ema-decay 0.99 \
      --save-every 50 --keep-last 1 --seed $seed --device cpu "${joint[@]}"
else
  "$dimba" train --resume adapt128 --steps "$adapt_steps"
fi
export_ema "$(last adapt128)" adapt128-model
stamp "eval"
"$here/tools/recipes/shapes-eval.sh" "$work" eval   # the model card's comparison table, one eval per row
stamp "done: $work/model"
